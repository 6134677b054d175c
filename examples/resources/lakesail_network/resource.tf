terraform {
  required_providers {
    lakesail = {
      source = "lakehq/lakesail"
    }
  }
}

# The connection's external ID, from LakeSail's console.
variable "lakesail_external_id" {
  type      = string
  sensitive = true
}

# The connection the network is built through (see lakesail_connection).
resource "lakesail_connection" "main" {
  connection_id = "AB12CD34EF"
  tenant_id     = "TN12AB34CD"
  external_id   = var.lakesail_external_id
}

# A network built through the connection role: a VPC over two zones with one NAT gateway, the
# workspaces' security group, an S3 gateway endpoint, the workspace bucket and its KMS key.
resource "lakesail_network" "main" {
  connection_id = lakesail_connection.main.connection_id
  role_arn      = lakesail_connection.main.role_arn
  external_id   = var.lakesail_external_id # omit to read it from the role's trust policy
  network_id    = "NT12AB34CD"

  cidr_block              = "10.40.0.0/16"
  availability_zone_count = 2
  nat_gateways            = "single" # or "per_az"

  # Destroy keeps the bucket and its key (and warns) unless this is true.
  force_destroy = false

  tags = {
    Team = "data"
  }
}

# Bring your own VPC instead: it and its subnets are only tagged, nothing is created in them.
resource "lakesail_network" "existing_vpc" {
  connection_id = lakesail_connection.main.connection_id
  role_arn      = lakesail_connection.main.role_arn
  network_id    = "NT98ZY76XW"

  vpc_id             = "vpc-0123456789abcdef0"
  private_subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  public_subnet_ids  = ["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"]
  # A key of your own for the bucket; its policy must let the connection's roles use it via S3.
  kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}

output "network" {
  value = {
    vpc_id             = lakesail_network.main.vpc_id
    private_subnet_ids = lakesail_network.main.private_subnet_ids
    security_group_id  = lakesail_network.main.security_group_id
    bucket_name        = lakesail_network.main.bucket_name
    kms_key_arn        = lakesail_network.main.kms_key_arn
  }
}
