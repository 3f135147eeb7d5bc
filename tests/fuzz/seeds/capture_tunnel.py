#!/usr/bin/env python3
"""Captures the bytes the real kubectl port-forward sends into the sandbox's tunnel, once over SPDY
and once over WebSocket, as seeds for corpus/sandbox_spdy and corpus/sandbox_websocket. A raw TCP relay
on loopback records what kubectl writes after its upgrade request. Run by hand:

    capture_tunnel.py SANDBOX_BINARY CORPUS_DIR
"""
import hashlib, os, socket, subprocess, sys, tempfile, threading, time

sandbox_bin, corpus = sys.argv[1], sys.argv[2]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def save(target, data):
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "kubectl-" + hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def echo_server():
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()

    def serve():
        while True:
            c, _ = srv.accept()
            data = c.recv(65536)
            c.sendall(b"HTTP/1.0 200 OK\r\n\r\n" + data)
            c.close()
    threading.Thread(target=serve, daemon=True).start()
    return srv.getsockname()[1]


recorded = []


def relay(listen, upstream):
    def pump(src, dst, record):
        try:
            while True:
                b = src.recv(65536)
                if not b:
                    break
                if record is not None:
                    record.append(b)
                dst.sendall(b)
        except OSError:
            pass
        finally:
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    while True:
        c, _ = listen.accept()
        u = socket.create_connection(("127.0.0.1", upstream))
        record = []
        recorded.append(record)
        threading.Thread(target=pump, args=(c, u, record), daemon=True).start()
        threading.Thread(target=pump, args=(u, c, None), daemon=True).start()


def main():
    tmp = tempfile.mkdtemp()
    api = free_port()
    sandbox = subprocess.Popen([sandbox_bin, "--port", str(api)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    listen = socket.socket()
    listen.bind(("127.0.0.1", 0))
    listen.listen()
    threading.Thread(target=relay, args=(listen, api), daemon=True).start()
    kubeconfig = os.path.join(tmp, "kubeconfig")
    with open(kubeconfig, "w") as f:
        f.write("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:%d\n"
                "contexts:\n- name: c\n  context:\n    cluster: c\n    user: u\n    namespace: default\n"
                "current-context: c\nusers:\n- name: u\n  user: {}\n" % listen.getsockname()[1])
    kubectl = ["kubectl", "--kubeconfig", kubeconfig, "--cache-dir", os.path.join(tmp, "cache")]
    echo = echo_server()
    subprocess.run(kubectl + ["run", "web", "--image=nginx", "--annotations",
                              "sandbox.boutique.dev/port-forward=80=127.0.0.1:%d" % echo], capture_output=True)
    time.sleep(4)
    for name, env in (("sandbox_spdy", {"KUBECTL_PORT_FORWARD_WEBSOCKETS": "false"}),
                      ("sandbox_websocket", {"KUBECTL_PORT_FORWARD_WEBSOCKETS": "true"})):
        local = free_port()
        before = len(recorded)
        pf = subprocess.Popen(kubectl + ["port-forward", "pod/web", "%d:80" % local], env={**os.environ, **env},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(2)
        for _ in range(2):
            with socket.create_connection(("127.0.0.1", local)) as s:
                s.sendall(b"GET / HTTP/1.0\r\nHost: web\r\n\r\n")
                s.recv(65536)
        time.sleep(1)
        pf.terminate()
        pf.wait()
        time.sleep(0.5)
        for record in recorded[before:]:
            data = b"".join(record)
            head, sep, tunnel = data.partition(b"\r\n\r\n")
            if sep and b"portforward" in head and tunnel:
                save(name, tunnel)
    sandbox.terminate()
    sandbox.wait()


main()
