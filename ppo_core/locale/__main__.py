"""python -m ppo_core.locale zh: print the messages the Chinese catalogue lacks, as entries to fill in."""

import sys

from . import missing

language = sys.argv[1] if len(sys.argv) > 1 else "zh"
todo = missing(language)
for text in todo:
    print(f"    {text!r}:\n        {''!r},")
print(f"# {len(todo)} messages to translate in ppo_core/locale/{language}.py", file=sys.stderr)
