# Makes conf/ the package `marsad.conf` (see pyproject.toml), found by Hydra as pkg://marsad.conf.
