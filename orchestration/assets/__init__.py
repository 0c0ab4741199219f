"""Every asset module in this package joins the one Definitions object by being here.

Convention for new asset modules (e.g. `dsa.py`, `dashboard.py`): define assets and asset checks
at module level with `@dg.asset` / `@dg.asset_check` (or `dg.AssetSpec`s for external ones);
`orchestration.definitions` loads them all with load_assets_from_modules and
load_asset_checks_from_modules, and the main job (`integrity_main`) selects every asset.
Read the warehouse through the published copy: depend on `published/warehouse`
(`orchestration.assets.publish.PUBLISHED_KEY`) and open `paths.published` read-only; take
paths from the `warehouse` resource (`WarehouseResource.paths`). Use your own group name and
owners. Leave partitions off unless the asset is per delivery day.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

# Helper modules that hold no assets.
NOT_ASSET_MODULES = frozenset({"partitions"})


def asset_modules() -> list[ModuleType]:
    """Import every module of this package (sorted by name) that may hold assets."""
    modules = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_") or info.name in NOT_ASSET_MODULES:
            continue
        modules.append(importlib.import_module(f"{__name__}.{info.name}"))
    return modules
