"""The Textual front end of frontdesk: the app, its screens and widgets.

It imports the core (``frontdesk``) and never the reverse.
"""

import os

# Textual paints a changed screen at its next frame, on a fixed beat of 1/TEXTUAL_FPS (60 by
# default, read when Textual is first imported): a key that lands just after a beat waits
# for the next one. At 120 a typed character shows a frame sooner (key to frame p99 on the
# large store beside a busy desk: 41–52 ms at 60, 26–36 ms at 120, ``bench/bench_latency.py``);
# a screen that does not change is not painted at all, at either rate. A user's own
# TEXTUAL_FPS is kept.
FRAMES_PER_SECOND = 120
os.environ.setdefault("TEXTUAL_FPS", str(FRAMES_PER_SECOND))
