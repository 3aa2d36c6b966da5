"""Signal reports per gemeente: the period, the counts (suppressed) and their exports."""

from .periode import Periode, PeriodeError
from .rapport import Rapport, Tabel, build_rapport, leesbare_gemeenten

__all__ = ["Periode", "PeriodeError", "Rapport", "Tabel", "build_rapport", "leesbare_gemeenten"]
