"""Original language instructions for the 60 FLAG3D activities (FLAG3D-Synth).

The real FLAG3D instruction texts ship only in the licensed ``instruction.zip``; the texts here
were written for this project from general coaching knowledge and describe the motions that
FLAG3D-Synth generates. Each activity has a name (exactly as in the FLAG3D taxonomy), its body
part, a 2-4 sentence description (starting posture, movement, return), a few key points and
common mistakes. ``as_release_fields`` maps a text onto the release fields ``I001``-``I004``.

Sides ("right", "left") are always the performer's own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ActivityText:
    """Instruction text of one activity (activity number = taxonomy label + 1)."""

    activity: int
    name: str
    body_part: str
    description: str
    key_points: tuple[str, ...]
    mistakes: tuple[str, ...]


def _as_sentence(text: str) -> str:
    """Strip ``text`` and end it with a full stop unless it already ends a sentence."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def as_release_fields(text: ActivityText) -> dict[str, str]:
    """FLAG3D instruction fields of one activity.

    Returns ``{"I001": name, "I002": description, "I003": key points, "I004": mistakes}``,
    key points and mistakes each joined into one paragraph of sentences.
    """
    return {
        "I001": text.name,
        "I002": text.description,
        "I003": " ".join(_as_sentence(point) for point in text.key_points),
        "I004": " ".join(_as_sentence(mistake) for mistake in text.mistakes),
    }


_TEXTS: tuple[ActivityText, ...] = (
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
    # --- abdomen ---------------------------------------------------------------------------
    ActivityText(
        30, "Lying Alternate Upper-half Leg Raise", "abdomen",
        "Lie on your back with hands by the hips and both straight legs raised to about 45 "
        "degrees off the floor. Lift one straight leg from 45 degrees up to vertical while the "
        "other holds at 45 degrees, then lower it back. Switch legs, working only in the upper "
        "half of the range.",
        ("Press the lower back into the floor",
         "Keep both knees straight",
         "Breathe steadily; exhale as each leg rises"),
        ("Letting the resting leg drop to the floor",
         "Arching the lower back",
         "Bending the knees"),
    ),
    ActivityText(
        31, "Half Roll Back", "abdomen",
        "Sit tall with knees bent, feet flat and arms reaching forward at shoulder height. Tuck "
        "the pelvis and roll the spine back halfway, to about 45 degrees, and pause. Curl back "
        "up to sitting tall.",
        ("Round the lower back into a C curve",
         "Exhale as you roll back, inhale to return",
         "Keep the feet on the floor"),
        ("Rolling all the way down",
         "Leaning back with a straight back instead of curling",
         "Pulling with the arms or neck"),
    ),
    ActivityText(
        32, "Kneeling Right-side Torso Twist", "abdomen",
        "Kneel on hands and knees with hands under the shoulders and knees under the hips, then "
        "place your right hand behind your head. Rotate the chest to open the right elbow up "
        "toward the ceiling, following it with your eyes. Rotate back down, bringing the right "
        "elbow toward the left wrist.",
        ("Rotate through the upper back; hips stay square",
         "Exhale as you open the right elbow up",
         "Keep the left arm straight"),
        ("Shifting the hips sideways",
         "Letting the supporting left elbow bend",
         "Pulling on the head with the right hand"),
    ),
    ActivityText(
        33, "Left-side Knee Raise And Abdominal Muscles Contract", "abdomen",
        "Stand tall with your left arm raised overhead and your right hand on your hip. Lift the "
        "left knee up and out to the side while bringing the left elbow down to meet it, "
        "crunching the left side of the waist. Lower the left foot and reach the left arm back "
        "overhead.",
        ("Contract the left side of the abdomen as the elbow and knee meet",
         "Exhale on the crunch",
         "Stand tall between repetitions"),
        ("Bending forward instead of to the left side",
         "Barely lifting the left knee",
         "Losing balance by leaning the whole body"),
    ),
    ActivityText(
        34, "Kneeling Right Leg Backward Stretch", "abdomen",
        "Kneel on hands and knees with hands under the shoulders, knees under the hips and a "
        "flat back. Extend the right leg straight back to hip height, toes pointing down, "
        "keeping the core braced. Bring the right knee back under the hip.",
        ("Keep the hips level; the right hip does not open",
         "Exhale as the right leg extends",
         "Reach long through the right heel"),
        ("Lifting the right leg above hip height and arching the back",
         "Shifting the weight onto the left side",
         "Letting the belly sag"),
    ),
    ActivityText(
        35, "Kneeling Right Arm Raise", "abdomen",
        "Kneel on hands and knees with hands under the shoulders and knees under the hips. Raise "
        "the straight right arm forward to shoulder height beside your ear, thumb up, without "
        "shifting the hips. Lower the right hand back under the right shoulder.",
        ("Keep the body still while the right arm moves",
         "Brace the core to resist rotating",
         "Exhale as the right arm rises"),
        ("Leaning the body toward the left hand",
         "Raising the right arm higher than the shoulder",
         "Rounding or sagging the back"),
    ),
    # --- waist -----------------------------------------------------------------------------
    ActivityText(
        36, "Shoulder Bridge", "waist",
        "Lie on your back with knees bent, feet flat and hip-width apart, arms by your sides. "
        "Push through the heels to lift the hips until the knees, hips and shoulders form a "
        "straight line. Pause at the top, then lower the hips slowly to the floor.",
        ("Squeeze the glutes at the top",
         "Exhale as the hips lift, inhale as they lower",
         "Keep the knees pointing forward"),
        ("Over-arching the lower back at the top",
         "Pushing through the toes instead of the heels",
         "Letting the knees fall in or out"),
    ),
    ActivityText(
        37, "Prone Press-ups", "waist",
        "Lie face down with hands on the floor under the shoulders and legs long. Straighten the "
        "arms to lift the chest, letting the lower back extend while the pelvis stays on the "
        "floor. Lower the chest back down with control.",
        ("Hips stay on the floor; only the upper body lifts",
         "Relax the glutes and lower back",
         "Exhale as you press up"),
        ("Lifting the hips off the floor like a push-up",
         "Shrugging the shoulders to the ears",
         "Throwing the head back"),
    ),
    ActivityText(
        38, "Bent-over Torso Rotation", "waist",
        "Stand with feet wide, hinge forward until the back is flat and nearly parallel to the "
        "floor, and reach the arms out to the sides. Rotate the torso to bring one hand down "
        "toward the opposite foot while the other arm reaches up to the ceiling. Rotate back "
        "through the centre and switch sides.",
        ("Keep the hips still and rotate from the upper back",
         "Keep the arms in one straight line",
         "Exhale into each rotation"),
        ("Rounding the back to reach the foot",
         "Bending the knees and swaying the hips",
         "Rushing and swinging instead of rotating"),
    ),
    ActivityText(
        39, "Lying Arm Pull", "waist",
        "Lie on your back with knees bent, feet flat and straight arms extended overhead on the "
        "floor. Brace the core and pull the straight arms up over the chest and down toward the "
        "thighs. Return the arms slowly overhead without letting the lower back lift.",
        ("Keep the lower back pressed into the floor",
         "Exhale as the arms pull down, inhale as they return",
         "Keep the elbows straight"),
        ("Arching the back when the arms go overhead",
         "Bending the elbows",
         "Moving too quickly to control the core"),
    ),
    ActivityText(
        40, "Prone Press Up With Torso Rotation", "waist",
        "Lie face down with hands under the shoulders and press up until the chest is lifted and "
        "the hips stay on the floor. Rotate the head and torso to look back over one shoulder "
        "toward the opposite heel, then return to the centre. Lower down and repeat, turning to "
        "the other side.",
        ("Keep the pelvis on the floor during the press and the turn",
         "Rotate slowly and breathe out as you turn",
         "Alternate sides each repetition"),
        ("Lifting the hips",
         "Twisting only the neck instead of the upper back",
         "Turning to the same side every time"),
    ),
    ActivityText(
        41, "Breaststroke Push-ups", "waist",
        "Lie face down with legs long and arms reaching forward overhead. Sweep the arms out and "
        "back like a breaststroke stroke to place the hands under the shoulders, and press the "
        "chest up while the hips stay down. Reach the arms forward again as you lower the "
        "chest to the floor.",
        ("Link the stroke and the press into one smooth motion",
         "Keep the pelvis on the floor",
         "Exhale as the chest lifts"),
        ("Lifting the hips like a regular push-up",
         "Skipping the arm sweep",
         "Cranking the neck back"),
    ),
    ActivityText(
        42, "Sit-ups", "waist",
        "Lie on your back with knees bent, feet flat and hands crossed on the chest or lightly at "
        "the temples. Curl the head, shoulders and back off the floor and come all the way up to "
        "sitting. Roll back down with control, one segment of the spine at a time.",
        ("Exhale on the way up, inhale on the way down",
         "Keep the feet on the floor",
         "Lead with the chest, not the chin"),
        ("Pulling on the neck with the hands",
         "Dropping back down without control",
         "Using momentum by swinging the arms"),
    ),
    # --- hip -------------------------------------------------------------------------------
    ActivityText(
        43, "Side-lying Left Leg Forward Raise", "hip",
        "Lie on your right side with the body in a straight line, head resting on the right arm "
        "and the left (top) leg straight on top of the right. Swing the straight left leg "
        "forward in front of the body to about hip height. Bring the left leg back in line with "
        "the body.",
        ("Keep the hips stacked; do not roll back",
         "Keep the left knee straight",
         "Exhale as the left leg moves forward"),
        ("Rolling the pelvis as the left leg swings",
         "Bending the left knee",
         "Kicking with momentum"),
    ),
    ActivityText(
        44, "Right Leg Reverse Lunge", "hip",
        "Stand tall with feet hip-width apart and hands on the hips. Step the right foot back "
        "and lower into a lunge until both knees are bent about 90 degrees. Push through the "
        "left heel to bring the right foot back beside the left.",
        ("Keep the torso upright",
         "Front (left) knee stays over the ankle",
         "Inhale down, exhale up"),
        ("Letting the left knee cave inward",
         "Slamming the right knee into the floor",
         "Stepping the right foot too short"),
    ),
    ActivityText(
        45, "Kneeling Left Knee Lift", "hip",
        "Kneel on hands and knees with hands under the shoulders and knees under the hips. "
        "Keeping the left knee bent at 90 degrees, lift it out to the side up to hip height. "
        "Lower the left knee back under the hip.",
        ("Keep the weight centred; do not lean right",
         "Keep the left knee at a constant 90 degree bend",
         "Exhale as the left knee lifts"),
        ("Shifting the whole body to the right",
         "Straightening the left leg",
         "Rounding the back"),
    ),
    ActivityText(
        46, "Alternate Reverse Lunge", "hip",
        "Stand tall with feet hip-width apart and hands on the hips. Step one foot back and "
        "lower into a lunge with both knees bent about 90 degrees, then push back to standing. "
        "Repeat stepping back with the other leg, alternating sides.",
        ("Keep the torso upright",
         "Front knee stays over the ankle",
         "Alternate legs every repetition"),
        ("Leaning forward over the front knee",
         "Letting the front knee collapse inward",
         "Losing balance when switching legs"),
    ),
    ActivityText(
        47, "Side-lying Right Leg Backward Kick", "hip",
        "Lie on your left side with the body in a straight line, head resting on the left arm "
        "and the right (top) leg on top. Kick the right leg backward behind the body, squeezing "
        "the glute. Bring the right leg forward again to in line with the body.",
        ("Keep the hips stacked and the core braced",
         "Squeeze the right glute at the back",
         "Exhale as the right leg kicks back"),
        ("Arching the lower back to kick further",
         "Rolling the top hip backward",
         "Swinging the right leg with momentum"),
    ),
    ActivityText(
        48, "Left Leg Lunge With Knee Lift", "hip",
        "Stand tall with feet hip-width apart. Step the left foot back into a reverse lunge, "
        "then push through the right heel to stand up and drive the left knee forward and up to "
        "hip height. Step the left foot straight back into the next lunge.",
        ("Balance on the right leg at the top",
         "Keep the chest up",
         "Exhale as the left knee lifts"),
        ("Putting the left foot down before the knee lift",
         "Wobbling on the standing leg",
         "Leaning forward in the lunge"),
    ),
    ActivityText(
        49, "Sumo Squat", "hip",
        "Stand with feet wider than shoulder-width and toes turned out about 45 degrees. Sit the "
        "hips straight down, keeping the knees pointed over the toes, until the thighs are about "
        "parallel to the floor. Drive through the heels to stand up and squeeze the glutes.",
        ("Knees follow the direction of the toes",
         "Keep the torso upright",
         "Inhale down, exhale up"),
        ("Knees caving inward",
         "Leaning forward",
         "Lifting the heels"),
    ),
    # --- leg -------------------------------------------------------------------------------
    ActivityText(
        50, "Straight Leg Calf Raise", "leg",
        "Stand tall with feet hip-width apart and knees straight. Rise onto the balls of the "
        "feet as high as you can and pause. Lower the heels slowly back to the floor.",
        ("Keep the knees straight throughout",
         "Push evenly through all the toes",
         "Exhale as you rise"),
        ("Bending the knees",
         "Rolling onto the outer edges of the feet",
         "Dropping the heels quickly"),
    ),
    ActivityText(
        51, "Squat Jump", "leg",
        "Stand with feet shoulder-width apart and squat down with the arms back. Jump "
        "explosively upward, swinging the arms up. Land softly on the balls of the feet and sink "
        "straight into the next squat.",
        ("Land quietly with bent knees",
         "Exhale as you jump",
         "Knees track over the toes"),
        ("Landing with straight, stiff legs",
         "Letting the knees cave inward on landing",
         "Not squatting deep enough before the jump"),
    ),
    ActivityText(
        52, "Squat With Alternate Knee Lift", "leg",
        "Stand tall with feet hip-width apart and squat down. As you stand up, lift one knee to "
        "hip height and balance briefly on the other leg. Lower the foot into the next squat and "
        "lift the other knee, alternating sides.",
        ("Keep the chest up in the squat",
         "Exhale as the knee lifts",
         "Alternate knees every repetition"),
        ("Rushing the knee lift before standing fully",
         "Leaning back to lift the knee",
         "Shallow squats"),
    ),
    ActivityText(
        53, "Standing Alternate Butt Kick", "leg",
        "Stand tall with hands on the hips and weight on both feet. Bend one knee to bring the "
        "heel up toward the buttock, keeping the thigh vertical, then lower it. Repeat with the "
        "other leg at a slow, controlled tempo without hopping.",
        ("Thighs stay vertical; only the lower leg moves",
         "Stand tall and keep the standing knee soft",
         "Breathe naturally"),
        ("Bouncing or jogging instead of controlled kicks",
         "Letting the knee swing forward",
         "Leaning the torso forward"),
    ),
    ActivityText(
        54, "Knee Warm-up", "leg",
        "Stand with feet together, knees slightly bent and hands resting on the knees. Circle "
        "both knees together in smooth horizontal circles. After several circles, change "
        "direction.",
        ("Move gently within a comfortable range",
         "Keep the heels on the floor",
         "Breathe naturally"),
        ("Pressing down hard on the knees",
         "Straightening the legs fully",
         "Circling too fast"),
    ),
    # --- whole body ------------------------------------------------------------------------
    ActivityText(
        55, "Butt Kicks", "whole body",
        "Stand tall with elbows bent and start jogging in place on the balls of the feet. Kick "
        "each heel up to the buttock with a quick rhythm, swinging the arms with the legs. Keep "
        "alternating at a running pace for the set.",
        ("Stay light on the balls of the feet",
         "Pump the arms with the legs",
         "Breathe rhythmically"),
        ("Landing on the heels",
         "Leaning forward at the waist",
         "Letting the knees drift forward"),
    ),
    ActivityText(
        56, "Jump Left and Right", "whole body",
        "Stand with feet together, knees slightly bent and arms ready. Jump both feet together "
        "sideways to the left, land softly, then jump sideways to the right. Keep hopping side "
        "to side over an imaginary line.",
        ("Keep the feet together in the air and on landing",
         "Land softly with bent knees",
         "Breathe rhythmically"),
        ("Landing with stiff knees",
         "Letting the feet split apart",
         "Leaning the torso instead of moving the whole body"),
    ),
    ActivityText(
        57, "Jumping Jacks", "whole body",
        "Stand tall with feet together and arms at your sides. Jump the feet out wide while "
        "sweeping the arms out and up until the hands meet overhead. Jump the feet back "
        "together as the arms return to the sides.",
        ("Land on the balls of the feet",
         "Keep the arms long",
         "Keep a steady rhythm"),
        ("Landing flat-footed",
         "Half arm movements that stop at shoulder height",
         "Knees locked on landing"),
    ),
    ActivityText(
        58, "High Knee", "whole body",
        "Stand tall with elbows bent and run in place. Drive each knee up to hip height, "
        "swinging the opposite arm forward. Stay on the balls of the feet and keep a quick pace.",
        ("Knees reach hip height",
         "Keep the torso upright",
         "Breathe rhythmically"),
        ("Leaning back to lift the knees",
         "Knees too low",
         "Landing on the heels"),
    ),
    ActivityText(
        59, "Clap Jacks", "whole body",
        "Stand with feet together and straight arms raised forward at shoulder height. Jump the "
        "feet out wide while opening the straight arms out to the sides at shoulder height. "
        "Jump the feet back together while clapping the hands in front of the chest.",
        ("Arms move horizontally at shoulder height, not overhead",
         "Land softly on the balls of the feet",
         "Keep a steady rhythm"),
        ("Letting the arms drop below shoulder height",
         "Bending the elbows",
         "Landing flat-footed"),
    ),
    ActivityText(
        60, "Run In Place With Arm Swing", "whole body",
        "Stand tall with elbows bent about 90 degrees. Jog lightly in place with a low knee lift "
        "while swinging the arms strongly forward and back, opposite arm to opposite leg. Keep "
        "the pace steady and relaxed.",
        ("Big arm swing from the shoulders",
         "Stay light on the feet",
         "Breathe rhythmically"),
        ("Swinging the arms across the body",
         "Tensing the shoulders",
         "Landing heavily on the heels"),
    ),
)

INSTRUCTIONS: dict[int, ActivityText] = {text.activity: text for text in _TEXTS}
"""Instruction texts keyed by activity number 1..60 (= taxonomy label + 1)."""
