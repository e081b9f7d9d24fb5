"""The deck: parameters bound to labware (a setup's or a proposed deck) and its layout as data."""
