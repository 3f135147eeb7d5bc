# Stand-in for infra/k3s/terraform with the same variables and outputs, built from terraform_data
# (Terraform's built-in provider: nothing to download, nothing leaves the machine).
variable "project" { type = string }
variable "region" { type = string }
variable "zone" { type = string }
variable "cluster_name" { type = string }
variable "masters" { type = number }
variable "workers" { type = number }
variable "machine_type" { type = string }
variable "ssh_user" { type = string }
variable "ssh_public_key_path" { type = string }
variable "spot" { type = bool }

resource "terraform_data" "master" {
  count = var.masters
  input = "127.0.0.1"
}

resource "terraform_data" "worker" {
  count = var.workers
  input = "127.0.0.1"
}

output "master_public_ips" { value = terraform_data.master[*].output }
output "master_internal_ips" { value = terraform_data.master[*].output }
output "worker_public_ips" { value = terraform_data.worker[*].output }
output "worker_internal_ips" { value = terraform_data.worker[*].output }
