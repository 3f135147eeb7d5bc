locals {
  region   = var.region != "" ? var.region : join("-", slice(split("-", var.zone), 0, 2))
  node_tag = "${var.cluster_name}-node"
  ssh_keys = "${var.ssh_user}:${trimspace(file(var.ssh_public_key_path))}"
}

module "network" {
  source            = "../../modules/gce_network"
  project           = var.project
  region            = local.region
  name_prefix       = var.cluster_name
  subnet_cidr       = var.subnet_cidr
  ssh_source_ranges = var.ssh_source_ranges
  ssh_target_tags   = [local.node_tag]
  # The API server from outside only when api_source_ranges says so.
  extra_ingress = [{ name = "api", ports = ["6443"], source_ranges = var.api_source_ranges }]
}

resource "google_compute_instance" "master" {
  count        = var.masters
  project      = var.project
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
    subnetwork = module.network.subnetwork_id
    access_config {}
  }

  metadata = { ssh-keys = local.ssh_keys }

  scheduling {
    provisioning_model          = var.spot ? "SPOT" : "STANDARD"
    preemptible                 = var.spot
    automatic_restart           = !var.spot
    instance_termination_action = var.spot ? "STOP" : null
  }

  depends_on = [module.network]
}

resource "google_compute_instance" "worker" {
  count        = var.workers
  project      = var.project
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
    subnetwork = module.network.subnetwork_id
    access_config {}
  }

  metadata = { ssh-keys = local.ssh_keys }

  scheduling {
    provisioning_model          = var.spot ? "SPOT" : "STANDARD"
    preemptible                 = var.spot
    automatic_restart           = !var.spot
    instance_termination_action = var.spot ? "STOP" : null
  }

  depends_on = [module.network]
}
