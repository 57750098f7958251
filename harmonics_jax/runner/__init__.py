"""Long-running experiments that write their results to files: resumable seed sweeps."""

from ._store import read_json as read_json
from ._store import write_bytes_atomic as write_bytes_atomic
from ._store import save_npz_atomic as save_npz_atomic
from ._store import write_json_atomic as write_json_atomic
from ._sweep import RUN_FIELDS as RUN_FIELDS
from ._sweep import SweepSpec as SweepSpec
from ._sweep import run_sweep as run_sweep
