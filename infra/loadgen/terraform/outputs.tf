# Read by the app with `terraform output -json` to write the Ansible inventory and the ssh config.
output "bastion_ip" {
  value = module.vms.bastion_ip
}

output "master_ip" {
  value = module.vms.master_ip
}

output "worker_ips" {
  value = module.vms.worker_ips
}

output "worker_no" {
  value = var.worker_no
}

output "ssh_user" {
  value = var.ssh_user
}

output "ssh_port" {
  value = module.vms.ssh_port
}
