# Read by the app (`terraform output -json`) to write the Ansible inventory.
output "master_public_ips" {
  value = google_compute_instance.master[*].network_interface[0].access_config[0].nat_ip
}

output "master_internal_ips" {
  value = google_compute_instance.master[*].network_interface[0].network_ip
}

output "worker_public_ips" {
  value = google_compute_instance.worker[*].network_interface[0].access_config[0].nat_ip
}

output "worker_internal_ips" {
  value = google_compute_instance.worker[*].network_interface[0].network_ip
}
