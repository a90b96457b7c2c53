"""Instruction texts (data): abdomen, waist, hip, leg, whole body (A030-A060).

Written for this project; sides are the performer's own."""

from flag3d_core.synth.activity_text import ActivityText

TEXTS: tuple[ActivityText, ...] = (
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
