variable "project" {
  type = string
}

variable "region" {
  type = string
}

variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
}

variable "subnet_cidr" {
  type = string
}

variable "ssh_source_ranges" {
  description = "Who may reach port 22 of the tagged VMs from outside."
  type        = list(string)
}

variable "ssh_target_tags" {
  description = "Network tags of the VMs reachable from outside."
  type        = list(string)
}

variable "extra_ingress" {
  description = "More public TCP ports for the tagged VMs; a rule with no source range is left out."
  type = list(object({
    name          = string
    ports         = list(string)
    source_ranges = list(string)
  }))
  default = []
}

variable "nat" {
  description = "Cloud NAT, for VMs without a public address."
  type        = bool
  default     = false
}
