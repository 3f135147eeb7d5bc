# The load generator's VMs: a bastion (the only public address), a Locust master and worker_no
# workers on private addresses, all Spot VMs unless spot = false.
locals {
  ssh_keys = "${var.ssh_user}:${trimspace(file(var.ssh_public_key_path))}"
  scheduling = {
    provisioning_model          = var.spot ? "SPOT" : "STANDARD"
    automatic_restart           = !var.spot
    instance_termination_action = var.spot ? "STOP" : null
  }
}

resource "google_compute_instance" "bastion" {
  project      = var.project
  name         = "${var.name_prefix}-bastion"
  machine_type = var.bastion_machine_type
  zone         = var.zone
  tags         = [var.bastion_tag]
  labels       = { ansible = "loadgen", role = "bastion" }

  boot_disk {
    initialize_params {
      image = var.image
    }
  }

  network_interface {
    subnetwork = var.subnetwork_id
    access_config {}
  }

  metadata = { ssh-keys = local.ssh_keys }

  scheduling {
    provisioning_model          = local.scheduling.provisioning_model
    preemptible                 = var.spot
    automatic_restart           = local.scheduling.automatic_restart
    instance_termination_action = local.scheduling.instance_termination_action
  }
}

resource "google_compute_instance" "master" {
  project      = var.project
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
    subnetwork = var.subnetwork_id
    network_ip = var.master_ip
  }

  metadata = { ssh-keys = local.ssh_keys }

  scheduling {
    provisioning_model          = local.scheduling.provisioning_model
    preemptible                 = var.spot
    automatic_restart           = local.scheduling.automatic_restart
    instance_termination_action = local.scheduling.instance_termination_action
  }
}

resource "google_compute_instance" "worker" {
  count        = length(var.worker_ips)
  project      = var.project
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
    subnetwork = var.subnetwork_id
    network_ip = var.worker_ips[count.index]
  }

  metadata = { ssh-keys = local.ssh_keys }

  scheduling {
    provisioning_model          = local.scheduling.provisioning_model
    preemptible                 = var.spot
    automatic_restart           = local.scheduling.automatic_restart
    instance_termination_action = local.scheduling.instance_termination_action
  }
}
