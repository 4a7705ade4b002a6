"""Fakes of remote services (GitHub), served over real HTTP on loopback."""
