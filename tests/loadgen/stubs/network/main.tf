# Test stand-in for infra/modules/gce_network: the same inputs and outputs, built from terraform_data
# (Terraform's built-in provider: nothing to download, nothing leaves the machine).
variable "project" { type = string }
variable "region" { type = string }
variable "name_prefix" { type = string }
variable "subnet_cidr" { type = string }
variable "ssh_source_ranges" { type = list(string) }
variable "ssh_target_tags" { type = list(string) }
variable "nat" { type = bool }
variable "extra_ingress" {
  type    = list(object({ name = string, ports = list(string), source_ranges = list(string) }))
  default = []
}

resource "terraform_data" "vpc" {
  input = "projects/${var.project}/global/networks/${var.name_prefix}-vpc"
}

resource "terraform_data" "subnet" {
  input = "${terraform_data.vpc.output}/subnetworks/${var.name_prefix}-subnet"
}

output "network_id" { value = terraform_data.vpc.output }
output "subnetwork_id" { value = terraform_data.subnet.output }
