"""Imported first by the forkserver of `ssmlan.parallel` (its preload): the kernel then kills
the forkserver, and with it the workers it forked, as soon as the process that started it dies,
even of SIGKILL (Linux; elsewhere the workers' watchdog threads do it). Importing it anywhere
else would tie that process's life to its parent's."""

from ssmlan.parallel import die_with_parent

die_with_parent()
