variable "project" {
  description = "GCP project id."
  type        = string
}

variable "region" {
  type    = string
  default = "us-central1"
}

variable "zone" {
  description = "Put it in the cluster's zone: the lab measured from us-central1-b."
  type        = string
  default     = "us-central1-b"
}

variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  default     = "locust"
}

variable "worker_no" {
  description = "Locust worker VMs."
  type        = number
  default     = 2
  validation {
    condition     = var.worker_no >= 0 && var.worker_no <= 200
    error_message = "worker_no must be between 0 and 200."
  }
}

variable "machine_type" {
  description = "Master and workers (f1-micro, as in the lab, saturates its own CPU before the shop)."
  type        = string
  default     = "e2-small"
}

variable "bastion_machine_type" {
  type    = string
  default = "e2-micro"
}

variable "image" {
  type    = string
  default = "ubuntu-os-cloud/ubuntu-2204-lts"
}

variable "ssh_user" {
  type    = string
  default = "locust"
}

variable "ssh_public_key_path" {
  description = "Public key for ssh_user on every VM; the private key stays on the controller."
  type        = string
}

variable "spot" {
  description = "Spot VMs: much cheaper, may be stopped by GCE during a run."
  type        = bool
  default     = true
}

variable "subnet_cidr" {
  type    = string
  default = "10.0.0.0/24"
}

variable "ssh_source_ranges" {
  description = "Who may SSH to the bastion (the only public address)."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}
