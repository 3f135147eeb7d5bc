# Distributed Locust on GCE: a bastion (the only public address), a Locust master and worker_no
# workers on private addresses, outbound internet through Cloud NAT (package and image downloads).
# No provider block: every resource names its project, region or zone, and the google provider
# takes its credentials from Application Default Credentials.
locals {
  bastion_tag = "${var.name_prefix}-bastion"
  # Master at .10, workers from .20 on: cidrhost keeps counting past ten workers.
  master_ip  = cidrhost(var.subnet_cidr, 10)
  worker_ips = [for i in range(var.worker_no) : cidrhost(var.subnet_cidr, 20 + i)]
}

module "network" {
  source            = "../../modules/gce_network"
  project           = var.project
  region            = var.region
  name_prefix       = var.name_prefix
  subnet_cidr       = var.subnet_cidr
  ssh_source_ranges = var.ssh_source_ranges
  ssh_target_tags   = [local.bastion_tag]
  nat               = true
}

module "vms" {
  source               = "./vms"
  project              = var.project
  zone                 = var.zone
  name_prefix          = var.name_prefix
  subnetwork_id        = module.network.subnetwork_id
  bastion_tag          = local.bastion_tag
  master_ip            = local.master_ip
  worker_ips           = local.worker_ips
  machine_type         = var.machine_type
  bastion_machine_type = var.bastion_machine_type
  image                = var.image
  ssh_user             = var.ssh_user
  ssh_public_key_path  = var.ssh_public_key_path
  spot                 = var.spot

  depends_on = [module.network]
}
