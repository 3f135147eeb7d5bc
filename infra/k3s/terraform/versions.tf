terraform {
  required_version = ">= 1.3"
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 4.51, < 7.0"
    }
  }
}

# Credentials come from Application Default Credentials (`gcloud auth application-default login`)
# or GOOGLE_APPLICATION_CREDENTIALS: no key file lives next to this configuration.
provider "google" {
  project = var.project
  region  = local.region
  zone    = var.zone
}
