# Odoo's test runner imports this package and runs its test_* modules. The engine tests in
# tests/engine/ and the Graph emulator in tests/graph_emulator/ run without Odoo (pytest).
from . import test_install
