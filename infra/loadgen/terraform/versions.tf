terraform {
  required_version = ">= 1.3"
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 4.51, < 7.0"
    }
  }
}

# Credentials: Application Default Credentials or GOOGLE_APPLICATION_CREDENTIALS, never a key file
# in this folder.
provider "google" {
  project = var.project
  region  = var.region
  zone    = var.zone
}
