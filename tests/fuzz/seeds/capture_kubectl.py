#!/usr/bin/env python3
"""Captures what the real kubectl sends to the sandbox, as seeds for the fuzz corpora.

A loopback proxy sits between kubectl and a running boutique-sandbox and writes each request it
forwards as an HTTP text file (corpus/sandbox_request/) and each body with its Content-Type on the
first line (corpus/sandbox_body/; raw protobuf bodies also to corpus/sandbox_protobuf/). Run by hand
when kubectl or the sandbox changes:

    capture_kubectl.py SANDBOX_BINARY CORPUS_DIR

Everything stays on 127.0.0.1.
"""
import hashlib
import http.client
import http.server
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

sandbox_bin, corpus = sys.argv[1], sys.argv[2]
upstream_port = None


def save(target, data):
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "kubectl-" + hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.headers.get("Upgrade"):
            self.send_error(400, "no upgrades through the capture proxy")
            return
        keep = ("Content-Type", "Accept", "User-Agent")
        text = "%s %s HTTP/1.1\r\n" % (self.command, self.path)
        text += "".join("%s: %s\r\n" % (k, self.headers[k]) for k in keep if self.headers.get(k))
        if "watch=true" not in self.path:
            save("sandbox_request", text.encode() + b"\r\n" + body)
        if body:
            ctype = (self.headers.get("Content-Type") or "").encode()
            save("sandbox_body", ctype + b"\n" + body)
            if b"protobuf" in ctype:
                save("sandbox_protobuf", body)
        conn = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = forward


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    global upstream_port
    tmp = tempfile.mkdtemp()
    upstream_port = free_port()
    sandbox = subprocess.Popen([sandbox_bin, "--port", str(upstream_port), "--with-crds",
                                "--kubeconfig", os.path.join(tmp, "direct")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    kubeconfig = os.path.join(tmp, "kubeconfig")
    with open(kubeconfig, "w") as f:
        f.write("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:%d\n"
                "contexts:\n- name: c\n  context:\n    cluster: c\n    user: u\n    namespace: default\n"
                "current-context: c\nusers:\n- name: u\n  user: {}\n" % proxy.server_address[1])
    manifest = os.path.join(os.path.dirname(__file__), "..", "..", "..", "manifests", "upstream",
                            "kubernetes-manifests.yaml")
    commands = [
        "get pods", "get pods -o json", "get deploy -o wide", "get pods -l app=frontend,tier!=db",
        "get pods --field-selector status.phase=Running", "create namespace shop",
        "create configmap c1 --from-literal=a=b", "create secret generic s1 --from-literal=password=hunter22",
        "create deployment web --image=nginx --replicas=2", "create service clusterip web --tcp=80:8080",
        "create job j1 --image=busybox", "create serviceaccount sa1", "expose deployment web --port=81 --name=web2",
        "run p1 --image=nginx", "label pod p1 tier=front", "annotate pod p1 note=hi",
        "set image deployment/web nginx=nginx:1.25", "scale deploy web --replicas=3",
        "patch deploy web -p {\"spec\":{\"replicas\":1}}",
        "patch deploy web --type=merge -p {\"metadata\":{\"labels\":{\"x\":\"y\"}}}",
        "patch deploy web --type=json -p [{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":2}]",
        "apply -f " + manifest, "apply --server-side -f " + manifest, "apply -f " + manifest,
        "get clusters.postgresql.cnpg.io", "rollout restart deploy/web", "delete pod p1 --wait=false",
        "delete deploy web", "top pods", "get --raw /apis/metrics.k8s.io/v1beta1/pods",
    ]
    kubectl = ["kubectl", "--kubeconfig", kubeconfig, "--cache-dir", os.path.join(tmp, "cache")]
    for c in commands:
        subprocess.run(kubectl + c.split(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    # What kubectl prints, for the app's readers: lists and a watch stream while a rollout runs.
    time.sleep(4)
    for what in ("pods", "deployments", "services", "nodes", "events"):
        out = subprocess.run(kubectl + ["get", what, "-o", "json"], capture_output=True, timeout=60).stdout
        save("kube_objects", out)
    save("kube_objects", subprocess.run(kubectl + ["get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods"],
                                        capture_output=True, timeout=60).stdout)
    watch = subprocess.Popen(kubectl + ["get", "deploy", "-w", "-o", "json"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
    subprocess.run(kubectl + ["scale", "deploy/frontend", "--replicas=3"], capture_output=True, timeout=60)
    time.sleep(4)
    watch.terminate()
    save("kube_watch_stream", watch.communicate()[0])
    with open(manifest, "rb") as f:
        for doc in f.read().split(b"\n---"):
            if b"kind:" in doc:
                save("sandbox_body", b"application/yaml\n" + doc.strip() + b"\n")
    proxy.shutdown()
    sandbox.terminate()
    sandbox.wait()


main()
