# The google provider is required by the modules (../../modules/gce_network, ./vms); credentials come
# from Application Default Credentials or GOOGLE_APPLICATION_CREDENTIALS, never a key file here.
terraform {
  required_version = ">= 1.3"
}
