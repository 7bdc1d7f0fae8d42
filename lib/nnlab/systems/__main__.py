"""`python -m nnlab.systems [DATA_DIR]`: regenerate data/<system>_<split>.csv and print their SHA-256."""
import sys
from pathlib import Path

from .records import write_all

if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    for path, digest in write_all(target).items():
        print(f"{digest}  {path.name}")
