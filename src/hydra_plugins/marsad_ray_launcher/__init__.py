"""Marsad's Ray launcher (`hydra/launcher=ray`): Hydra loads launchers only from the
`hydra_plugins` namespace package, so it lives here rather than under `marsad`."""
