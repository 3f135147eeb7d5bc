variable "project" {
  description = "GCP project id."
  type        = string
}

variable "region" {
  description = "GCP region; empty means the zone's region."
  type        = string
  default     = ""
}

variable "zone" {
  description = "GCP zone of every VM, e.g. europe-west6-a."
  type        = string
}

variable "cluster_name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "k3s"
}

variable "masters" {
  description = "k3s server VMs (embedded etcd: use an odd number)."
  type        = number
  default     = 1
  validation {
    condition     = var.masters >= 1 && var.masters <= 9
    error_message = "masters must be between 1 and 9."
  }
}

variable "workers" {
  description = "k3s agent VMs."
  type        = number
  default     = 2
  validation {
    condition     = var.workers >= 0 && var.workers <= 100
    error_message = "workers must be between 0 and 100."
  }
}

variable "machine_type" {
  type    = string
  default = "e2-standard-2"
}

variable "image" {
  type    = string
  default = "ubuntu-os-cloud/ubuntu-2204-lts"
}

variable "disk_size_gb" {
  type    = number
  default = 20
}

variable "ssh_user" {
  description = "User created on every VM for Ansible."
  type        = string
  default     = "ansible"
}

variable "ssh_public_key_path" {
  description = "Public key allowed for ssh_user (the private key stays on the controller)."
  type        = string
}

variable "spot" {
  description = "Run the VMs as Spot VMs (cheaper, may be stopped by GCE)."
  type        = bool
  default     = true
}

variable "subnet_cidr" {
  type    = string
  default = "10.10.0.0/24"
}

variable "ssh_source_ranges" {
  description = "Who may reach port 22 from outside."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "api_source_ranges" {
  description = "Who may reach the Kubernetes API (6443) from outside; empty keeps it internal."
  type        = list(string)
  default     = []
}
