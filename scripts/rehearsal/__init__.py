"""The production rehearsal: every function the generated templates deploy, started from the real
binary under an emulated Lambda Runtime API, fed the events its triggers send, against AWS APIs
emulated by moto on 127.0.0.1.

`scripts/rehearse` and `scripts/bench-cold-start` run the modules here; `scripts/local-aws` shares
the set-up of the existing resources (`existing.py`). Only the standard library and boto3 are used.
"""
