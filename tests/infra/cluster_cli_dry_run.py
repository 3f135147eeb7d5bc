#!/usr/bin/python3
"""`boutique-control cluster ... --dry-run` prints every tool command line; the gcloud ones must pass the
REAL gcloud argument parser. gcloud exits 2 on a bad flag before any network call; with an empty
configuration it then stops at "no active account". Every endpoint it could reach is pointed at
127.0.0.1:9 (checked with strace: only loopback connects). Also: bad input is refused with one line
naming the option, before anything runs; delete needs --yes; profiles are saved and reused."""

import os
import select
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

BIN = sys.argv[1]
failures = []


def check(cond, what, detail=""):
    print(("ok   " + what) if cond else ("FAIL " + what + " -- " + detail))
    if not cond:
        failures.append(what)


def cli(args, env=None):
    return subprocess.run([BIN, "cluster", *args], capture_output=True, text=True, timeout=60, env=env)


def gcloud_offline(argv, config_dir):
    env = dict(os.environ)
    env.pop("GOOGLE_APPLICATION_CREDENTIALS", None)
    env.update({
        "CLOUDSDK_CONFIG": config_dir,
        "CLOUDSDK_CORE_DISABLE_PROMPTS": "1",
        "CLOUDSDK_CORE_DISABLE_USAGE_REPORTING": "true",
        "CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK": "true",
        "CLOUDSDK_CORE_CHECK_GCE_METADATA": "false",
        "GCE_METADATA_HOST": "127.0.0.1:9",
        "GCE_METADATA_IP": "127.0.0.1:9",
        "GCE_METADATA_ROOT": "127.0.0.1:9",  # else it resolves metadata.google.internal over DNS
        "NO_GCE_CHECK": "True",
        "CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER": "http://127.0.0.1:9/",
    })
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL)


def accepted(result):
    return (result.returncode != 2 and "unrecognized arguments" not in result.stderr
            and "argument --" not in result.stderr and "active account" in result.stderr)


with tempfile.TemporaryDirectory() as tmp:
    env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(tmp, "config"), XDG_DATA_HOME=os.path.join(tmp, "data"),
               HOME=tmp)
    gke = ["--provider", "gke", "--project", "cloudproject-404707", "--zone", "us-central1-b", "--name", "boutique",
           "--nodes", "3", "--machine-type", "e2-standard-2", "--cluster-version", "latest"]

    # 1. create: two steps, both printed, shell-quoted, nothing run.
    r = cli(["create", *gke, "--dry-run"], env)
    lines = r.stdout.splitlines()
    check(r.returncode == 0, f"create --dry-run exits 0 (got {r.returncode}: {r.stderr.strip()})")
    check(len(lines) == 2, f"create --dry-run prints 2 command lines: {lines}")
    check(lines[:1] == ["gcloud container clusters create boutique --project cloudproject-404707 --zone us-central1-b "
                        "--machine-type e2-standard-2 --num-nodes 3 --cluster-version latest --enable-network-policy"],
          "create line has exactly the profile's flags")
    check(lines[1:] == ["gcloud container clusters get-credentials boutique --project cloudproject-404707 "
                        "--zone us-central1-b"], "then get-credentials")
    r = cli(["delete", *gke, "--dry-run"], env)
    lines += r.stdout.splitlines()
    check(r.returncode == 0 and r.stdout.strip().endswith("--quiet"), "delete --dry-run prints the delete line")
    r = cli(["create", "--provider", "gke", "--project", "cloudproject-404707", "--region", "us-central1",
             "--name", "boutique", "--nodes", "1", "--no-network-policy", "--dry-run"], env)
    regional = r.stdout.splitlines()[0] if r.stdout else ""
    check("--region us-central1" in regional and "--enable-network-policy" not in regional, "regional create line")
    lines.append(regional)

    # 2. Every printed gcloud line passes the real parser; a bad flag is refused (exit 2).
    with tempfile.TemporaryDirectory() as config:
        for line in lines:
            argv = shlex.split(line)
            res = gcloud_offline(argv, config)
            check(accepted(res), f"real gcloud accepts: {line}", f"exit {res.returncode}: {res.stderr.strip()}")
        bad = shlex.split(lines[0]) + ["--enable-network-policies"]
        res = gcloud_offline(bad, config)
        check(res.returncode == 2 and "unrecognized arguments" in res.stderr,
              f"real gcloud refuses a bad flag with exit 2 (got {res.returncode})")

    # 3. Bad input: one line naming the option, exit 2, nothing printed as run.
    for args, option in [
        (["--project", "Bad_Project"], "--project"),
        (["--zone", "us-central1"], "--zone"),
        (["--name", "Boutique"], "--name"),
        (["--nodes", "0"], "--nodes"),
        (["--nodes", "three"], "--nodes"),
        (["--machine-type", "huge"], "--machine-type"),
        (["--provider", "eks"], "--provider"),
    ]:
        bad_args = list(gke)
        for i in range(0, len(args), 2):
            if args[i] in bad_args:
                bad_args[bad_args.index(args[i]) + 1] = args[i + 1]
            else:
                bad_args += args[i:i + 2]
        r = cli(["create", *bad_args, "--dry-run"], env)
        err = r.stderr.strip().splitlines()
        check(r.returncode == 2 and len(err) == 1 and option in err[0] and r.stdout == "",
              f"refused {args} naming {option}: exit {r.returncode}, {err}")

    r = cli(["delete", *gke], env)
    check(r.returncode == 2 and "--yes" in r.stderr and r.stdout == "", f"delete without --yes refused: {r.stderr.strip()}")

    # 4. Profiles: --save-as stores, `profiles` lists, --profile reuses.
    r = cli(["credentials", *gke, "--save-as", "lab", "--dry-run"], env)
    check(r.returncode == 0, f"--save-as lab: {r.stderr.strip()}")
    r = cli(["profiles"], env)
    check(r.returncode == 0 and r.stdout.split()[:2] == ["lab", "gke"], f"profiles lists lab: {r.stdout!r}")
    r = cli(["credentials", "--profile", "lab", "--dry-run"], env)
    check(r.stdout.strip() == "gcloud container clusters get-credentials boutique --project cloudproject-404707 "
                              "--zone us-central1-b", f"--profile lab reuses the settings: {r.stdout!r}")

    # 5. k3s: terraform + ansible steps printed; nothing written.
    pub = os.path.join(tmp, "ansible.pub")
    with open(pub, "w") as f:
        f.write("ssh-ed25519 AAAA test\n")
    work = os.path.join(tmp, "k3s-work")
    r = cli(["create", "--provider", "k3s", "--project", "central-cinema-402517", "--zone", "europe-west6-a",
             "--masters", "3", "--workers", "2", "--ssh-public-key", pub, "--work-dir", work, "--dry-run"], env)
    k3s = r.stdout.splitlines()
    chdir = "-chdir=" + os.path.join(work, "k3s", "terraform")  # TerraformWorkCopy: WORK/k3s/terraform + WORK/modules
    check(r.returncode == 0 and [shlex.split(l)[:3] for l in k3s] ==
          [["terraform", chdir, "init"], ["terraform", chdir, "apply"], ["terraform", chdir, "output"],
           ["ansible-playbook", "-i", os.path.join(work, "inventory.ini")]],
          "k3s create --dry-run prints terraform init/apply/output and ansible-playbook", f"{k3s} {r.stderr.strip()}")
    r = cli(["delete", "--provider", "k3s", "--project", "central-cinema-402517", "--zone", "europe-west6-a",
             "--ssh-public-key", pub, "--work-dir", work, "--dry-run"], env)
    check(r.returncode == 0 and [shlex.split(l)[2] for l in r.stdout.splitlines()] == ["init", "destroy"],
          "k3s delete --dry-run prints terraform init and destroy", r.stdout + r.stderr)
    check(not os.path.exists(work), "k3s dry run writes nothing")
    r = cli(["create", "--provider", "k3s", "--project", "central-cinema-402517", "--zone", "europe-west6-a",
             "--masters", "0", "--ssh-public-key", pub, "--dry-run"], env)
    check(r.returncode == 2 and "--masters" in r.stderr, f"k3s --masters 0 refused: {r.stderr.strip()}")

    # 6. Ctrl+C during a long create: gcloud (own process group, out of the terminal's reach) is stopped,
    # not orphaned, and the exit is 130 with the billing note. gcloud here is a stand-in on PATH that
    # prints gcloud's progress format and then hangs, as a create does for minutes.
    fakebin = os.path.join(tmp, "bin")
    os.makedirs(fakebin)
    here = os.path.dirname(os.path.abspath(__file__))
    shutil.copy(os.path.join(here, "..", "backend", "cluster", "tst_gke_cluster_service_data", "gcloud"), fakebin)
    os.chmod(os.path.join(fakebin, "gcloud"), 0o755)
    pidfile = os.path.join(tmp, "gcloud.pid")
    env2 = dict(env, PATH=fakebin + os.pathsep + os.environ["PATH"], FAKE_GCLOUD_HANG="1",
                FAKE_GCLOUD_PIDFILE=pidfile)
    p = subprocess.Popen([BIN, "cluster", "create", *gke], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=env2)
    seen = ""
    deadline = time.monotonic() + 30
    while "Creating cluster boutique in" not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([p.stderr], [], [], 1.0)
        if ready:
            seen += p.stderr.readline()
    check("Creating cluster boutique in us-central1-b" in seen, "create reports gcloud's phase on stderr", seen)
    child = int(open(pidfile).read()) if os.path.exists(pidfile) else -1
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    check(p.returncode == 130 and "delete it" in err, "Ctrl+C cancels the create: exit 130, billing note",
          f"exit {p.returncode}: {err}")
    alive = True
    try:
        os.kill(child, 0)
    except ProcessLookupError:
        alive = False
    check(child > 0 and not alive, "the gcloud process is gone after Ctrl+C", f"pid {child}")

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
