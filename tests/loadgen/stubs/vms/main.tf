# Test stand-in for infra/loadgen/terraform/vms: the same inputs and outputs, but every "VM" is a
# loopback address that the test's sshd listens on. The test writes loopback.json beside this file:
# {"prefix": "127.N.M", "ssh_port": P, "vm_home": DIR} gives the bastion .1, the master .10, the
# workers .20 on. Deleting a "VM" ends what runs on it, as deleting a GCE VM does: the Locust
# processes that the playbook started there (pid files in vm_home).
variable "project" { type = string }
variable "zone" { type = string }
variable "name_prefix" { type = string }
variable "subnetwork_id" { type = string }
variable "bastion_tag" { type = string }
variable "master_ip" { type = string }
variable "worker_ips" { type = list(string) }
variable "machine_type" { type = string }
variable "bastion_machine_type" { type = string }
variable "image" { type = string }
variable "ssh_user" { type = string }
variable "ssh_public_key_path" { type = string }
variable "spot" { type = bool }

locals {
  loopback = jsondecode(file("${path.module}/loopback.json"))
  ssh_key  = trimspace(file(var.ssh_public_key_path)) # the real module reads it too
}

resource "terraform_data" "bastion" {
  input = { ip = "${local.loopback.prefix}.1" }
}

resource "terraform_data" "master" {
  input = { ip = "${local.loopback.prefix}.10", pids = "${local.loopback.vm_home}/master.pid" }

  provisioner "local-exec" {
    when    = destroy
    command = "for f in ${self.input.pids}; do [ -f \"$f\" ] && kill \"$(cat \"$f\")\" 2>/dev/null; rm -f \"$f\"; done; true"
  }
}

resource "terraform_data" "worker" {
  count = length(var.worker_ips)
  input = {
    ip   = "${local.loopback.prefix}.${20 + count.index}"
    pids = "${local.loopback.vm_home}/worker-${count.index}-*.pid"
  }

  provisioner "local-exec" {
    when    = destroy
    command = "for f in ${self.input.pids}; do [ -f \"$f\" ] && kill \"$(cat \"$f\")\" 2>/dev/null; rm -f \"$f\"; done; true"
  }
}

output "bastion_ip" { value = terraform_data.bastion.output.ip }
output "master_ip" { value = terraform_data.master.output.ip }
output "worker_ips" { value = terraform_data.worker[*].output.ip }
output "ssh_port" { value = local.loopback.ssh_port }
