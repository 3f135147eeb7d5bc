# One VPC with one subnet, SSH from outside to the tagged VMs only, everything inside the subnet,
# optional extra public ports (k3s: the API server) and optional Cloud NAT for VMs without a public
# address (loadgen: master and workers). Shared by infra/k3s and infra/loadgen.
resource "google_compute_network" "vpc" {
  project                 = var.project
  name                    = "${var.name_prefix}-vpc"
  auto_create_subnetworks = false
}

resource "google_compute_subnetwork" "subnet" {
  project       = var.project
  name          = "${var.name_prefix}-subnet"
  network       = google_compute_network.vpc.id
  region        = var.region
  ip_cidr_range = var.subnet_cidr
}

resource "google_compute_firewall" "ssh" {
  project       = var.project
  name          = "${var.name_prefix}-allow-ssh"
  network       = google_compute_network.vpc.name
  source_ranges = var.ssh_source_ranges
  target_tags   = var.ssh_target_tags
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}

resource "google_compute_firewall" "extra" {
  for_each      = { for rule in var.extra_ingress : rule.name => rule if length(rule.source_ranges) > 0 }
  project       = var.project
  name          = "${var.name_prefix}-allow-${each.key}"
  network       = google_compute_network.vpc.name
  source_ranges = each.value.source_ranges
  target_tags   = var.ssh_target_tags
  allow {
    protocol = "tcp"
    ports    = each.value.ports
  }
}

# Inside the subnet everything flows (SSH from a bastion, etcd, kubelet, Locust 5557/8089, ICMP).
resource "google_compute_firewall" "internal" {
  project       = var.project
  name          = "${var.name_prefix}-allow-internal"
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

resource "google_compute_router" "router" {
  count   = var.nat ? 1 : 0
  project = var.project
  name    = "${var.name_prefix}-router"
  network = google_compute_network.vpc.id
  region  = var.region
}

resource "google_compute_router_nat" "nat" {
  count                              = var.nat ? 1 : 0
  project                            = var.project
  name                               = "${var.name_prefix}-nat"
  router                             = google_compute_router.router[0].name
  region                             = var.region
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "ALL_SUBNETWORKS_ALL_IP_RANGES"
  log_config {
    enable = true
    filter = "ERRORS_ONLY"
  }
}
