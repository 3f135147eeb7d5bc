variable "project" {
  type = string
}

variable "zone" {
  type = string
}

variable "name_prefix" {
  type = string
}

variable "subnetwork_id" {
  type = string
}

variable "bastion_tag" {
  description = "Network tag the SSH firewall rule lets in."
  type        = string
}

variable "master_ip" {
  type = string
}

variable "worker_ips" {
  type = list(string)
}

variable "machine_type" {
  type = string
}

variable "bastion_machine_type" {
  type = string
}

variable "image" {
  type = string
}

variable "ssh_user" {
  type = string
}

variable "ssh_public_key_path" {
  type = string
}

variable "spot" {
  type = bool
}
