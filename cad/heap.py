"""The garbage collector of a process that serves live consoles, kept from pausing it for long.

A full collection walks every object the process holds. In a server process most of them are the
code loaded at start (Django, the apps, their libraries) and then its consoles: measured with a
thousand consoles connected, full collections came every second or two and each stopped the
process for 50 to 250 ms, long enough to hold a new call back from every console. Settled, what is
loaded by then is set aside where collections no longer walk it, and a full collection waits for a
hundred times more young ones than Python's default (young and middle collections, a few ms each,
still free short-lived cycles at once).
"""

import gc

FULL_COLLECTION_AFTER = 1000  # middle-generation collections between full ones (Python's default: 10)


def settle() -> None:
    """Collect once, set everything alive aside (gc.freeze), and make full collections rare."""
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_AFTER)
