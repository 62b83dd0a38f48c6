"""`profond train --nproc N`: the same command on N processes, under torchrun.

`torchrun --standalone --nproc-per-node=N -m profond train ...` (run in the launching process by
torch's launcher API) starts N copies of the command; each joins the process group
(profond.train.distributed) and trains its share. The command line the workers get is the config
written back as options, so they build the same config.
"""

import logging
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
    """Run `torchrun --standalone --nproc-per-node=N -m profond ARGV` in this process (torch's
    launcher API, torch.distributed.run) and return the exit code of the group: 0, or rank 0's
    when it failed (it printed its one-line error), else the first failed rank's.

    torchrun's own report of a failed group (ChildFailedError's traceback and table, the agent's
    error log) is not shown: it would repeat rank 0's line in a traceback.
    """
    if config.engine != "torch":
        raise ValueError(f"--nproc: expected --engine torch for several processes; got "
                         f"--engine {config.engine}")
    from torch.distributed import run
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError

    args = run.parse_args(["--standalone", f"--nproc-per-node={nproc}", "-m", "profond",
                           *config_argv(config, **extra)])
    agent_log = logging.getLogger("torch.distributed.elastic")
    level = agent_log.level
    agent_log.setLevel(logging.CRITICAL)
    try:
        run.run(args)
    except ChildFailedError as exc:
        failure = exc.failures.get(0) or exc.get_first_failure()[1]
        return failure.exitcode if failure.exitcode > 0 else 128 - failure.exitcode
    finally:
        agent_log.setLevel(level)
    return 0
