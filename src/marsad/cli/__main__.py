"""`python -m marsad.cli` = `marsad`."""

from marsad.cli import main

main()
