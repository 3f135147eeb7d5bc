locals {
  region   = var.region != "" ? var.region : join("-", slice(split("-", var.zone), 0, 2))
  node_tag = "${var.cluster_name}-node"
  ssh_keys = "${var.ssh_user}:${trimspace(file(var.ssh_public_key_path))}"
}

resource "google_compute_network" "vpc" {
  name                    = "${var.cluster_name}-vpc"
  auto_create_subnetworks = false
}

resource "google_compute_subnetwork" "subnet" {
  name          = "${var.cluster_name}-subnet"
  network       = google_compute_network.vpc.id
  region        = local.region
  ip_cidr_range = var.subnet_cidr
}

# From outside only SSH (and the API server when api_source_ranges says so).
resource "google_compute_firewall" "ssh" {
  name          = "${var.cluster_name}-allow-ssh"
  network       = google_compute_network.vpc.name
  source_ranges = var.ssh_source_ranges
  target_tags   = [local.node_tag]
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}

resource "google_compute_firewall" "api" {
  count         = length(var.api_source_ranges) > 0 ? 1 : 0
  name          = "${var.cluster_name}-allow-api"
  network       = google_compute_network.vpc.name
  source_ranges = var.api_source_ranges
  target_tags   = [local.node_tag]
  allow {
    protocol = "tcp"
    ports    = ["6443"]
  }
}

# Inside the subnet everything flows: etcd, the API server, kubelet, flannel VXLAN.
resource "google_compute_firewall" "internal" {
  name          = "${var.cluster_name}-allow-internal"
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

resource "google_compute_instance" "master" {
  count        = var.masters
  name         = "${var.cluster_name}-master-${count.index}"
  machine_type = var.machine_type
  zone         = var.zone
  tags         = [local.node_tag]
  labels       = { cluster = var.cluster_name, role = "master" }

  boot_disk {
    initialize_params {
      image = var.image
      size  = var.disk_size_gb
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

  depends_on = [google_compute_firewall.ssh, google_compute_firewall.internal]
}

resource "google_compute_instance" "worker" {
  count        = var.workers
  name         = "${var.cluster_name}-worker-${count.index}"
  machine_type = var.machine_type
  zone         = var.zone
  tags         = [local.node_tag]
  labels       = { cluster = var.cluster_name, role = "worker" }

  boot_disk {
    initialize_params {
      image = var.image
      size  = var.disk_size_gb
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

  depends_on = [google_compute_firewall.ssh, google_compute_firewall.internal]
}
