"""Long-running experiments that write their results to files: resumable seed sweeps whose
folders are checked before they are believed (see ``_sweep`` for what is checked), and the
SmallGroups census (``_census``)."""

from ._census import census as census
from ._census import census_exit_status as census_exit_status
from ._census import census_groups as census_groups
from ._census import census_spec as census_spec
from ._census import read_census as read_census
from ._census import write_census_outputs as write_census_outputs
from ._integrity import ChunkError as ChunkError
from ._meta import environment as environment
from ._read import SweepFolder as SweepFolder
from ._read import read_sweep as read_sweep
from ._spec import SweepSpec as SweepSpec
from ._store import read_json as read_json
from ._store import save_npz_atomic as save_npz_atomic
from ._store import write_bytes_atomic as write_bytes_atomic
from ._store import write_json_atomic as write_json_atomic
from ._sweep import CURVE_NAMES as CURVE_NAMES
from ._sweep import CURVE_PREFIX as CURVE_PREFIX
from ._sweep import RUN_FIELDS as RUN_FIELDS
from ._sweep import run_sweep as run_sweep
