#!/usr/bin/python3
"""orderlog-server seen from another gRPC stack (Debian's python3-grpcio).

usage: tst_python_client.py ORDERLOG_SERVER SOURCE_DIR
Needs BC_PG_CONNINFO_FILE (CTest fixture `pg`). Generates Python stubs with grpc_tools into a
temporary directory, starts the real server on 127.0.0.1 port 0 against a fresh database, and
calls Log, List, grpc.health.v1.Health/Check and server reflection.
"""
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
import unittest

SERVER, SOURCE_DIR = sys.argv[1], sys.argv[2]
del sys.argv[1:3]

import grpc  # noqa: E402  (Debian python3-grpcio)
from grpc_tools import protoc  # noqa: E402  (Debian python3-grpc-tools)

PSQL = "/usr/lib/postgresql/15/bin/psql"


def generate_stubs(out_dir):
    wkt = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    for include, proto in ((SOURCE_DIR, "orderlog/proto/orderlog.proto"),
                           (os.path.join(SOURCE_DIR, "tests/orderlog/proto"), "health.proto"),
                           (os.path.join(SOURCE_DIR, "tests/orderlog/proto"), "reflection.proto")):
        rc = protoc.main(["protoc", "-I" + include, "-I" + wkt, "--python_out=" + out_dir,
                          "--grpc_python_out=" + out_dir, proto])
        if rc != 0:
            raise RuntimeError("grpc_tools.protoc failed for " + proto)
    sys.path.insert(0, out_dir)


class PythonClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        generate_stubs(cls.tmp.name)
        conninfo_file = os.environ.get("BC_PG_CONNINFO_FILE")
        if not conninfo_file:
            raise RuntimeError("BC_PG_CONNINFO_FILE is not set (needs the pg fixture)")
        with open(conninfo_file) as f:
            admin = f.read().strip()
        db = "orderlog_py_%d" % os.getpid()
        subprocess.run([PSQL, admin, "-q", "-v", "ON_ERROR_STOP=1",
                        "-c", "DROP DATABASE IF EXISTS %s" % db, "-c", "CREATE DATABASE %s" % db],
                       check=True, env=dict(os.environ, PGOPTIONS="-c client_min_messages=warning"))
        cls.conninfo = admin + " dbname=" + db
        cls.server = subprocess.Popen([SERVER, "--listen", "127.0.0.1", "--port", "0", "--db", cls.conninfo],
                                      stdout=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 20
        line = ""
        while time.monotonic() < deadline and "listening on" not in line:
            ready, _, _ = select.select([cls.server.stdout], [], [], deadline - time.monotonic())
            if not ready:
                break
            line = cls.server.stdout.readline()
            if not line:
                break
        match = re.search(r"listening on .*:(\d+)$", line.strip())
        if not match:
            cls.server.kill()
            raise RuntimeError("orderlog-server did not report its port")
        cls.channel = grpc.insecure_channel("127.0.0.1:" + match.group(1))
        grpc.channel_ready_future(cls.channel).result(timeout=10)

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.server.send_signal(signal.SIGTERM)
        code = cls.server.wait(timeout=30)
        cls.tmp.cleanup()
        if code != 0:
            raise RuntimeError("orderlog-server exited with %d after SIGTERM" % code)

    def test_log_and_list(self):
        from orderlog.proto import orderlog_pb2, orderlog_pb2_grpc
        stub = orderlog_pb2_grpc.LoggerStub(self.channel)
        legacy = stub.Log(orderlog_pb2.Entry(content="from python, the lab's way"), timeout=10)
        self.assertTrue(legacy.ok)
        entry = orderlog_pb2.Entry()
        entry.order.order_id = "py-order-1"
        entry.order.email = "py@example.com"
        entry.order.total.currency_code = "EUR"
        entry.order.total.units = 12
        entry.order.total.nanos = 500000000
        item = entry.order.items.add()
        item.product_id = "9SIQT8TOJO"
        item.quantity = 3
        entry.order.placed_at.seconds = 1700000000
        reply = stub.Log(entry, timeout=10)
        self.assertTrue(reply.ok)
        self.assertEqual(reply.order_id, "py-order-1")
        self.assertFalse(reply.duplicate)
        self.assertTrue(stub.Log(entry, timeout=10).duplicate)

        page = stub.List(orderlog_pb2.ListRequest(page_size=10), timeout=10)
        by_id = {e.order.order_id: e for e in page.entries}
        self.assertIn("py-order-1", by_id)
        self.assertEqual(by_id["py-order-1"].order, entry.order)
        self.assertIn("from python, the lab's way", [e.content for e in page.entries])

        with self.assertRaises(grpc.RpcError) as bad:
            stub.Log(orderlog_pb2.Entry(content="x" * 1001), timeout=10)
        self.assertEqual(bad.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)

    def test_health(self):
        import health_pb2
        import health_pb2_grpc
        stub = health_pb2_grpc.HealthStub(self.channel)
        serving = health_pb2.HealthCheckResponse.SERVING
        self.assertEqual(stub.Check(health_pb2.HealthCheckRequest(), timeout=10).status, serving)
        self.assertEqual(stub.Check(health_pb2.HealthCheckRequest(service="orderlog.Logger"), timeout=10).status,
                         serving)
        with self.assertRaises(grpc.RpcError) as unknown:
            stub.Check(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=10)
        self.assertEqual(unknown.exception.code(), grpc.StatusCode.NOT_FOUND)

    def test_reflection(self):
        import reflection_pb2
        import reflection_pb2_grpc
        from google.protobuf import descriptor_pb2
        stub = reflection_pb2_grpc.ServerReflectionStub(self.channel)
        requests = [reflection_pb2.ServerReflectionRequest(list_services=""),
                    reflection_pb2.ServerReflectionRequest(file_containing_symbol="orderlog.Logger")]
        responses = list(stub.ServerReflectionInfo(iter(requests), timeout=10))
        self.assertEqual(len(responses), 2)
        names = [s.name for s in responses[0].list_services_response.service]
        self.assertIn("orderlog.Logger", names)
        files = [descriptor_pb2.FileDescriptorProto.FromString(b)
                 for b in responses[1].file_descriptor_response.file_descriptor_proto]
        logger = [f for f in files if f.package == "orderlog"]
        self.assertTrue(logger, "no descriptor for package orderlog")
        methods = [m.name for svc in logger[0].service for m in svc.method]
        self.assertEqual(sorted(methods), ["List", "Log"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
