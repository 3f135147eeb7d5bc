# Distributed Locust on GCE: a bastion (the only public address), a master and worker_no workers on
# private addresses, outbound internet through Cloud NAT (package and image downloads).
locals {
  ssh_keys    = "${var.ssh_user}:${trimspace(file(var.ssh_public_key_path))}"
  bastion_tag = "${var.name_prefix}-bastion"
  # Master at .10, workers from .20 on: cidrhost keeps counting past ten workers.
  master_ip  = cidrhost(var.subnet_cidr, 10)
  worker_ips = [for i in range(var.worker_no) : cidrhost(var.subnet_cidr, 20 + i)]
}

resource "google_compute_network" "vpc" {
  name                    = "${var.name_prefix}-vpc"
  auto_create_subnetworks = false
}

resource "google_compute_subnetwork" "subnet" {
  name          = "${var.name_prefix}-subnet"
  network       = google_compute_network.vpc.id
  region        = var.region
  ip_cidr_range = var.subnet_cidr
}

resource "google_compute_router" "router" {
  name    = "${var.name_prefix}-router"
  network = google_compute_network.vpc.id
  region  = var.region
}

resource "google_compute_router_nat" "nat" {
  name                               = "${var.name_prefix}-nat"
  router                             = google_compute_router.router.name
  region                             = var.region
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "ALL_SUBNETWORKS_ALL_IP_RANGES"
  log_config {
    enable = true
    filter = "ERRORS_ONLY"
  }
}

# From outside: SSH to the bastion, nothing else. The web UI is reached through an SSH tunnel.
resource "google_compute_firewall" "bastion_ssh" {
  name          = "${var.name_prefix}-bastion-ssh"
  network       = google_compute_network.vpc.name
  source_ranges = var.ssh_source_ranges
  target_tags   = [local.bastion_tag]
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}

# Inside the network: everything (SSH from the bastion, Locust 5557/8089, ICMP).
resource "google_compute_firewall" "internal" {
  name          = "${var.name_prefix}-internal"
  network       = google_compute_network.vpc.name
  source_ranges = [var.subnet_cidr]
  allow {
    protocol = "tcp"
  }
  allow {
    protocol = "udp"
  }
  allow {
    protocol = "icmp"
  }
}

resource "google_compute_instance" "bastion" {
  name         = "${var.name_prefix}-bastion"
  machine_type = var.bastion_machine_type
  zone         = var.zone
  tags         = [local.bastion_tag]
  labels       = { ansible = "loadgen", role = "bastion" }

  boot_disk {
    initialize_params {
      image = var.image
    }
  }

  network_interface {
    subnetwork = google_compute_subnetwork.subnet.id
    access_config {}
  }

  metadata = { ssh-keys = local.ssh_keys }

  scheduling {
    provisioning_model          = var.spot ? "SPOT" : "STANDARD"
    preemptible                 = var.spot
    automatic_restart           = !var.spot
    instance_termination_action = var.spot ? "STOP" : null
  }

  depends_on = [google_compute_firewall.bastion_ssh, google_compute_firewall.internal]
}

resource "google_compute_instance" "master" {
  name         = "${var.name_prefix}-master"
  machine_type = var.machine_type
  zone         = var.zone
  labels       = { ansible = "loadgen", role = "master" }

  boot_disk {
    initialize_params {
      image = var.image
    }
  }

  network_interface {
    subnetwork = google_compute_subnetwork.subnet.id
    network_ip = local.master_ip
  }

  metadata = { ssh-keys = local.ssh_keys }

  scheduling {
    provisioning_model          = var.spot ? "SPOT" : "STANDARD"
    preemptible                 = var.spot
    automatic_restart           = !var.spot
    instance_termination_action = var.spot ? "STOP" : null
  }

  depends_on = [google_compute_router_nat.nat]
}

resource "google_compute_instance" "worker" {
  count        = var.worker_no
  name         = "${var.name_prefix}-worker-${count.index}"
  machine_type = var.machine_type
  zone         = var.zone
  labels       = { ansible = "loadgen", role = "worker" }

  boot_disk {
    initialize_params {
      image = var.image
    }
  }

  network_interface {
    subnetwork = google_compute_subnetwork.subnet.id
    network_ip = local.worker_ips[count.index]
  }

  metadata = { ssh-keys = local.ssh_keys }

  scheduling {
    provisioning_model          = var.spot ? "SPOT" : "STANDARD"
    preemptible                 = var.spot
    automatic_restart           = !var.spot
    instance_termination_action = var.spot ? "STOP" : null
  }

  depends_on = [google_compute_router_nat.nat]
}
