"""`profond train --nproc N`: the same command on N processes, under torchrun.

`torchrun --standalone --nproc-per-node=N -m profond train ...` starts N copies of the command; each
joins the process group (profond.train.distributed) and trains its share. The command line the
workers get is the config written back as options, so they build the same config.
"""

import subprocess
import sys
from dataclasses import fields

from profond.train.config import TrainConfig

# on/off options whose default is neither: False must be said (--no-amp)
NEGATABLE = ("amp", "residual", "eval_train")


def config_argv(config: TrainConfig, **extra) -> list[str]:
    """`profond train` options that rebuild `config` (and `extra`, such as out or json): the
    model first, {"batch_size": 64} -> --batch-size 64, True -> a flag; None and False are left
    out, except False for NEGATABLE options (--no-amp)."""
    options = {f.name: getattr(config, f.name) for f in fields(config)} | extra
    argv = ["train", config.model]
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if key == "model" or value is None or (value is False and key not in NEGATABLE):
            continue
        if isinstance(value, bool):
            argv.append(flag if value else "--no-" + flag[2:])
        elif isinstance(value, tuple):
            argv += [flag, ",".join(map(str, value))]
        else:
            argv += [flag, str(value)]
    return argv


def relaunch(nproc: int, config: TrainConfig, **extra) -> int:
    """Run `python -m torch.distributed.run --standalone --nproc-per-node=N -m profond ARGV` (the
    torchrun command) and return its exit code; its output streams through."""
    if config.engine != "torch":
        raise ValueError(f"--nproc: expected --engine torch for several processes; got "
                         f"--engine {config.engine}")
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone",
               f"--nproc-per-node={nproc}", "-m", "profond", *config_argv(config, **extra)]
    return subprocess.run(command, check=False).returncode
