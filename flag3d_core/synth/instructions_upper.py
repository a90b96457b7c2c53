"""Instruction texts (data): chest, back, shoulder, arm, neck (A001-A029).

Written for this project; sides are the performer's own."""

from flag3d_core.synth.activity_text import ActivityText

TEXTS: tuple[ActivityText, ...] = (
    # --- chest -----------------------------------------------------------------------------
    ActivityText(
        1, "Svend Press", "chest",
        "Stand tall with feet hip-width apart and press your palms (or two plates) firmly "
        "together in front of your chest, elbows bent and out to the sides. Keep squeezing "
        "the hands together and push them straight forward at chest height until the arms are "
        "fully extended. Pull the hands back to the chest without letting the pressure drop.",
        ("Squeeze the palms together hard for the whole repetition",
         "Exhale as you press forward, inhale as you pull back",
         "Keep the hands at chest height and the shoulders down"),
        ("Letting the hands drift apart or drop toward the belly",
         "Shrugging the shoulders up toward the ears",
         "Leaning back instead of pressing forward"),
    ),
    ActivityText(
        2, "Kneeling Push-ups", "chest",
        "Start on your knees with hands on the floor slightly wider than shoulder-width, arms "
        "straight and the body in one line from knees to head. Bend the elbows to lower your "
        "chest toward the floor, elbows about 45 degrees from the body. Press the floor away "
        "to return to straight arms.",
        ("Keep hips in line with the knees and shoulders",
         "Inhale on the way down, exhale as you push up",
         "Brace the core and glutes throughout"),
        ("Sticking the hips up or letting them sag",
         "Flaring the elbows straight out to the sides",
         "Only moving the head instead of lowering the chest"),
    ),
    ActivityText(
        3, "Standing Straight-arm Chest Press With Resistance Band", "chest",
        "Stand with the band running behind your upper back, one end in each hand, and raise "
        "straight arms out to the sides at shoulder height. Keeping the elbows straight, sweep "
        "both arms forward against the band until the hands meet in front of your chest. "
        "Open the arms back out to the sides slowly, resisting the band.",
        ("Keep the arms straight and level with the shoulders",
         "Exhale as the hands come together, inhale as they open",
         "Control the return instead of letting the band snap back"),
        ("Bending the elbows so the move becomes a press",
         "Letting the arms drop below shoulder height",
         "Arching the lower back to help the arms forward"),
    ),
    ActivityText(
        4, "Small Dumbbell Floor Flies", "chest",
        "Lie on your back on the floor with knees bent and feet flat, holding light dumbbells "
        "above your chest with palms facing each other and elbows slightly bent. Open the arms "
        "out to the sides in a wide arc until the upper arms lightly touch the floor. Squeeze "
        "the chest to bring the dumbbells back together above the chest.",
        ("Keep the same slight elbow bend through the whole arc",
         "Inhale as the arms open, exhale as they close",
         "Keep the lower back and shoulder blades on the floor"),
        ("Bending and straightening the elbows like a press",
         "Dropping the arms onto the floor instead of touching lightly",
         "Banging the dumbbells together at the top"),
    ),
    ActivityText(
        5, "Chest Fly", "chest",
        "Stand tall and raise your arms out to the sides at shoulder height with a soft bend in "
        "the elbows and palms facing forward. Hug the arms forward in a wide arc until the hands "
        "meet in front of your chest, squeezing the chest muscles. Open the arms back out to the "
        "sides at the same height.",
        ("Move at the shoulders only, keeping the elbow bend fixed",
         "Exhale as you close, inhale as you open",
         "Keep the chest up and the shoulders relaxed"),
        ("Letting the arms sink below shoulder height",
         "Opening so far back that the lower back arches",
         "Rushing the movement without squeezing the chest"),
    ),
    ActivityText(
        6, "Push-ups", "chest",
        "Start in a high plank on hands and toes, hands slightly wider than shoulder-width and "
        "the body straight from head to heels. Bend the elbows to lower the whole body until the "
        "chest is just above the floor. Push the floor away to straighten the arms again.",
        ("Hold a rigid plank with core and glutes tight",
         "Inhale down, exhale up",
         "Keep the elbows about 45 degrees from the torso"),
        ("Letting the hips sag or piking them up",
         "Doing half repetitions without lowering the chest",
         "Dropping the head toward the floor"),
    ),
    # --- back ------------------------------------------------------------------------------
    ActivityText(
        7, "Bent-over W-shape Stretch", "back",
        "Stand with soft knees and hinge forward at the hips until your flat back is about 45 "
        "degrees from vertical, arms hanging below the shoulders. Bend the elbows to about 90 "
        "degrees and pull them back and down beside the ribs, hands out at head level, so the "
        "upper arms and forearms form a W with your head in the middle. Squeeze the shoulder "
        "blades together, then let the arms hang down again.",
        ("Elbows bent about 90 degrees and tucked close to the ribs",
         "Pull the shoulder blades back and down, not up",
         "Exhale as you form the W, inhale as you release"),
        ("Straightening the arms, which turns the W into a Y or T",
         "Rounding the back or standing up out of the hinge",
         "Shrugging the shoulders toward the ears"),
    ),
    ActivityText(
        8, "Bent-over Y-shape Stretch", "back",
        "Hinge forward at the hips with soft knees and a flat back about 45 degrees from "
        "vertical, arms hanging down with thumbs pointing up. Keeping the elbows straight, raise "
        "both arms forward and up past your head, each about 30 degrees out from the line of the "
        "head, so the arms and torso form a wide Y. Lower the straight arms back down under the "
        "shoulders.",
        ("Arms straight and angled wide, not parallel to each other",
         "Lift the arms in line with the torso, not higher",
         "Exhale as you lift, inhale as you lower"),
        ("Bending the elbows, which shortens the Y into a W",
         "Raising the arms too close together or out to the sides in a T",
         "Arching the lower back to lift the arms higher"),
    ),
    ActivityText(
        9, "Bent-over A-shape Stretch", "back",
        "Hinge forward at the hips with soft knees and a flat back about 45 degrees from "
        "vertical, arms hanging down. Keeping the arms straight, sweep them backward toward the "
        "hips with the hands a little away from the thighs and palms facing back, so the arms "
        "point down and back in a narrow A shape. Squeeze the shoulder blades together, then let "
        "the arms swing forward to hang again.",
        ("Arms stay straight and low, close to the sides of the body",
         "Draw the shoulder blades together and down",
         "Exhale as the arms sweep back"),
        ("Lifting the arms forward or overhead instead of back",
         "Bending the elbows",
         "Letting the chest drop and the back round"),
    ),
    ActivityText(
        10, "Squat With Arm Lift", "back",
        "Stand with feet hip- to shoulder-width apart and arms relaxed by your sides. Push the "
        "hips back and bend the knees into a squat while raising straight arms forward and up "
        "overhead in a Y, keeping the chest lifted. Drive through the heels to stand up and lower "
        "the arms back to your sides.",
        ("Keep the chest proud so the upper back works to hold the arms up",
         "Knees track over the toes",
         "Inhale down, exhale up"),
        ("Letting the arms drift forward as the torso folds",
         "Lifting the heels off the floor",
         "Caving the knees inward"),
    ),
    ActivityText(
        11, "Breaststroke Arm Pull", "back",
        "Lie face down with legs long and arms reaching forward overhead, then lift the chest "
        "slightly off the floor. Sweep the arms out to the sides and pull the elbows down to the "
        "ribs so the hands finish beside the shoulders, like a breaststroke pull. Reach the arms "
        "forward again and repeat while keeping the chest lifted.",
        ("Squeeze the shoulder blades as the elbows come in",
         "Keep the neck long, eyes on the floor",
         "Breathe steadily, exhaling on the pull"),
        ("Cranking the head up to look forward",
         "Dropping the chest to the floor between pulls",
         "Rushing so the arms flail instead of sweeping"),
    ),
    ActivityText(
        12, "Prone Y-shape Stretch", "back",
        "Lie face down with straight arms extended overhead in a Y shape, about 30 degrees out "
        "from the head, thumbs pointing up. Lift the arms and chest a few centimetres off the "
        "floor by squeezing the upper back, and hold briefly. Lower the arms and chest back to "
        "the floor with control.",
        ("Lead with the thumbs and keep the arms straight",
         "Keep the forehead in line with the spine",
         "Exhale as you lift"),
        ("Lifting the legs or jerking the chest up",
         "Shrugging the shoulders into the ears",
         "Bending the elbows"),
    ),
    # --- shoulder --------------------------------------------------------------------------
    ActivityText(
        13, "Lateral Raise Forward Circles", "shoulder",
        "Stand tall and raise straight arms out to the sides to shoulder height, palms facing "
        "down. Draw small circles with the hands in the forward direction: the hands travel "
        "forward over the top of each circle and back underneath. Keep circling forward for the "
        "set, then lower the arms.",
        ("Circles are forward: over the top toward the front",
         "Keep the arms straight and level with the shoulders",
         "Breathe evenly and keep the shoulders down"),
        ("Letting the arms sag below shoulder height",
         "Making huge circles that swing the torso",
         "Switching to backward circles partway through"),
    ),
    ActivityText(
        14, "Lateral Raise Backward Circles", "shoulder",
        "Stand tall and raise straight arms out to the sides to shoulder height, palms facing "
        "down. Draw small circles with the hands in the backward direction: the hands travel "
        "backward over the top of each circle and forward underneath. Keep circling backward for "
        "the set, then lower the arms.",
        ("Circles are backward: over the top toward the back",
         "Keep the arms straight and level with the shoulders",
         "Squeeze the shoulder blades gently"),
        ("Letting the arms sag below shoulder height",
         "Leaning the torso back with each circle",
         "Switching to forward circles partway through"),
    ),
    ActivityText(
        15, "Lying Shoulder Joint Upward Round", "shoulder",
        "Lie on your back with knees bent, feet flat and straight arms by your sides. Lift the "
        "straight arms upward over the front of the body, past the ceiling, and lower them "
        "overhead to the floor. Sweep them out to the sides along the floor and back down to "
        "the hips to close one upward round.",
        ("Upward round: the arms rise over the front, return low along the floor",
         "Keep the lower back in contact with the floor",
         "Inhale as the arms go overhead, exhale as they return"),
        ("Arching the back when the arms reach overhead",
         "Bending the elbows to shorten the circle",
         "Reversing the direction of the round"),
    ),
    ActivityText(
        16, "Lying Shoulder Joint Downward Round", "shoulder",
        "Lie on your back with knees bent, feet flat and straight arms by your sides. Slide the "
        "straight arms out to the sides along the floor and up until they are overhead. Then "
        "lift them and bring them down over the front of the body, past the ceiling, back to the "
        "hips to close one downward round.",
        ("Downward round: the arms go up along the floor, return down over the front",
         "Keep the lower back in contact with the floor",
         "Move slowly through the full range"),
        ("Arching the back when the arms reach overhead",
         "Lifting the arms off the floor during the slide",
         "Reversing the direction of the round"),
    ),
    ActivityText(
        17, "Bare-handed Full Lateral Raise", "shoulder",
        "Stand tall with arms at your sides, palms facing in. Raise the straight arms out to the "
        "sides and keep going past shoulder height until the hands meet above your head. Lower "
        "the arms the same way back to your sides.",
        ("Arms straight, moving in the side plane",
         "Exhale as the arms rise, inhale as they lower",
         "Keep the ribs down; do not arch"),
        ("Stopping at shoulder height instead of going overhead",
         "Swinging the arms with momentum",
         "Leaning back as the arms go up"),
    ),
    ActivityText(
        18, "Bare-handed Cuban Press", "shoulder",
        "Stand tall with hands in front of the thighs. Lift the elbows out to the sides to "
        "shoulder height (upright row), then rotate the forearms up until they are vertical with "
        "the elbows at 90 degrees, and press the hands overhead. Reverse each step in order to "
        "return the hands to the thighs.",
        ("Three clear steps: row, rotate, press",
         "Keep the elbows at shoulder height during the rotation",
         "Exhale on the press"),
        ("Dropping the elbows while rotating",
         "Arching the lower back on the press",
         "Blending the steps into one sloppy swing"),
    ),
    ActivityText(
        19, "Fortune Cat", "shoulder",
        "Stand tall with the upper arms raised out to the sides at shoulder height and the "
        "elbows bent at 90 degrees, forearms pointing forward. Keeping the upper arms still, "
        "rotate at the shoulders to swing the forearms up until they point to the ceiling, like "
        "a waving lucky cat. Rotate them back down to point forward.",
        ("Only the forearms move; elbows stay at shoulder height",
         "Keep the elbows bent at 90 degrees",
         "Move slowly and breathe evenly"),
        ("Letting the elbows drop toward the ribs",
         "Arching the back to get the hands higher",
         "Opening the elbow angle as the hands rise"),
    ),
    # --- arm -------------------------------------------------------------------------------
    ActivityText(
        20, "Dumbbell Curls", "arm",
        "Stand tall holding a dumbbell in each hand, arms straight at your sides and palms facing "
        "forward. Bend both elbows together to curl the dumbbells up toward the shoulders, "
        "keeping the upper arms still. Lower both dumbbells slowly until the arms are straight.",
        ("Elbows stay pinned to the sides",
         "Exhale as you curl, inhale as you lower",
         "Lower slower than you lift"),
        ("Swinging the body to lift the weight",
         "Letting the elbows drift forward",
         "Stopping short of straight arms at the bottom"),
    ),
    ActivityText(
        21, "Alternate Dumbbell Curls", "arm",
        "Stand tall with a dumbbell in each hand, arms straight at your sides. Curl one dumbbell "
        "up toward the shoulder while the other arm stays straight, then lower it under control. "
        "Repeat with the other arm, alternating right and left.",
        ("Only one arm moves at a time",
         "Keep the elbows pinned to the sides",
         "Exhale on each curl"),
        ("Twisting the torso toward the working arm",
         "Starting the next curl before the first arm is down",
         "Swinging the weight with the hips"),
    ),
    ActivityText(
        22, "Right-side Kettlebell Bent-over Row", "arm",
        "Hold a kettlebell in your right hand, step the left foot slightly forward and hinge at "
        "the hips, bracing the left hand on the left thigh with the right arm hanging straight. "
        "Pull the kettlebell up to the right hip, driving the right elbow back close to the body. "
        "Lower it until the right arm is straight again.",
        ("Right elbow travels back, not out",
         "Keep the back flat and the hips square",
         "Exhale as you row, inhale as you lower"),
        ("Rotating the torso open to lift the kettlebell",
         "Rounding the back",
         "Shrugging the right shoulder instead of pulling with the back"),
    ),
    ActivityText(
        23, "Wrist Joint Warm-up", "arm",
        "Stand tall and interlace your fingers in front of your chest with the elbows relaxed. "
        "Roll the joined hands in smooth circles so the wrists move through their full range, "
        "keeping the forearms mostly still. After several circles, change direction.",
        ("Move gently and continuously",
         "Keep the shoulders relaxed",
         "Breathe naturally"),
        ("Moving the whole arm instead of the wrists",
         "Forcing the wrists into painful end ranges",
         "Circling in only one direction"),
    ),
    ActivityText(
        24, "Right-side Bent-over Tricep Extension With Resistance Band", "arm",
        "Hinge forward with a flat back, holding the band in your right hand with the right upper "
        "arm pinned along your torso and the right elbow bent to 90 degrees. Straighten the right "
        "elbow to push the hand backward against the band until the arm is straight. Bend the "
        "right elbow back to 90 degrees under control.",
        ("Only the right forearm moves; the upper arm stays still",
         "Squeeze the back of the right arm at full extension",
         "Exhale on the extension"),
        ("Letting the right elbow drop toward the floor",
         "Swinging the arm with momentum",
         "Rounding the back"),
    ),
    ActivityText(
        25, "Bent-over Dumbbell Tricep Extension", "arm",
        "Hold a dumbbell in each hand and hinge forward with a flat back, upper arms pinned "
        "along the torso and elbows bent to 90 degrees. Straighten both elbows together to press "
        "the dumbbells back behind you. Bend the elbows back to 90 degrees with control.",
        ("Upper arms stay parallel to the torso",
         "Both arms extend at the same time",
         "Exhale as you extend"),
        ("Letting the elbows sink, which turns the move into a swing",
         "Standing up out of the hinge",
         "Using momentum instead of the triceps"),
    ),
    # --- neck ------------------------------------------------------------------------------
    ActivityText(
        26, "Nod And Raise Head", "neck",
        "Stand or sit tall with the shoulders relaxed and the head in neutral. Slowly lower the "
        "chin toward the chest, then lift the head back through neutral and raise the chin to "
        "look up. Return to neutral and repeat.",
        ("Move slowly and smoothly",
         "Keep the shoulders still and relaxed",
         "Breathe out as you lower, in as you lift"),
        ("Dropping the head back hard when looking up",
         "Moving the shoulders or torso with the head",
         "Moving too fast"),
    ),
    ActivityText(
        27, "Two-way Head Turn", "neck",
        "Stand tall with the shoulders relaxed and eyes forward. Turn the head slowly to look "
        "over the left shoulder, return to the centre, then turn to look over the right "
        "shoulder. Keep the chin level throughout.",
        ("Rotate only; do not tilt the head",
         "Keep the shoulders facing forward",
         "Breathe evenly"),
        ("Turning the shoulders with the head",
         "Tilting the chin up or down",
         "Jerking the head to the end of the range"),
    ),
    ActivityText(
        28, "Shrug And Sink The Shoulders", "neck",
        "Stand tall with the arms relaxed by your sides. Lift both shoulders straight up toward "
        "the ears as high as you can. Then press them down, away from the ears, as low as they "
        "will go before relaxing.",
        ("Move straight up and straight down",
         "Keep the arms long and the neck relaxed",
         "Inhale as you lift, exhale as you sink"),
        ("Rolling the shoulders forward instead of lifting",
         "Bending the elbows",
         "Poking the head forward"),
    ),
    ActivityText(
        29, "Four-way Nod Head", "neck",
        "Stand tall with the shoulders relaxed. Move the head in four directions, returning to "
        "centre after each: chin down toward the chest, chin up to look at the ceiling, left ear "
        "toward the left shoulder, and right ear toward the right shoulder. Repeat the sequence "
        "slowly.",
        ("Return to centre between directions",
         "Keep the shoulders level during the side tilts",
         "Breathe slowly"),
        ("Lifting the shoulder to meet the ear",
         "Rotating the head during the side tilts",
         "Moving quickly or bouncing"),
    ),
)
