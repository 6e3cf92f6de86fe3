"""`python -m marsad.cli` = the `marsad` console script."""

from marsad.cli import main

main()
