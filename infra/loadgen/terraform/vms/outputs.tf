output "bastion_ip" {
  value = google_compute_instance.bastion.network_interface[0].access_config[0].nat_ip
}

output "master_ip" {
  value = google_compute_instance.master.network_interface[0].network_ip
}

output "worker_ips" {
  value = google_compute_instance.worker[*].network_interface[0].network_ip
}

output "ssh_port" {
  value = 22
}
