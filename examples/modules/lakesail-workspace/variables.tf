variable "connection" {
  description = "The connection the workspace belongs to: its id and role ARN (lakesail_connection's attributes)."
  type = object({
    connection_id = string
    role_arn      = string
  })
}

variable "external_id" {
  description = "The connection's external ID. The workspace takes it write-only, so it is kept in neither plan nor state."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "external_id_version" {
  description = "Increase it whenever external_id changes: a write-only value is applied only when its version changes."
  type        = number
  default     = 1
}

variable "network" {
  description = "The network's outputs (lakesail_network's attributes, or your own VPC's)."
  type = object({
    vpc_id             = string
    private_subnet_ids = list(string)
    security_group_id  = string
    kms_key_arn        = string
    bucket_name        = string
    public_subnet_ids  = optional(list(string))
  })
}

variable "session_load_balancer" {
  description = "The session load balancer: scheme \"internal\" (default) or \"internet-facing\" (then in the network's public subnets, admitting only allowed_cidrs)."
  type = object({
    scheme        = optional(string, "internal")
    allowed_cidrs = optional(set(string))
  })
  default = {}
}

variable "workspace_id" {
  description = "LakeSail's workspace id (10 upper-case letters or digits)."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes version; raise it one minor version per apply."
  type        = string
  default     = "1.33"
}

variable "workload_identity" {
  description = "How pods become the workload roles: \"irsa\" (service-account annotations, through the cluster's OIDC provider) or \"pod_identity\" (EKS Pod Identity associations)."
  type        = string
  default     = "irsa"

  validation {
    condition     = contains(["irsa", "pod_identity"], var.workload_identity)
    error_message = "workload_identity must be \"irsa\" or \"pod_identity\"."
  }
}

variable "karpenter" {
  description = "Karpenter, the node autoscaler (on unless enabled = false): the vCPUs its nodes may have together (enforced by Karpenter) and the EC2 instance families it may launch (enforced by Karpenter and IAM)."
  type = object({
    enabled           = optional(bool, true)
    max_vcpus         = optional(number, 256)
    instance_families = optional(set(string), ["m6i", "m7i", "r6i", "r7i"])
  })
  default = {}
}

variable "node_count" {
  description = "Desired size of the system node group (the maximum is twice that)."
  type        = number
  default     = 2
}

variable "catalogs" {
  description = "Glue catalogs of the workspace."
  type        = set(string)
  default     = []
}

variable "public_access_cidrs" {
  description = "CIDR blocks that may reach the Kubernetes API from the internet; empty keeps it private."
  type        = set(string)
  default     = []
}

variable "tags" {
  description = "Extra tags."
  type        = map(string)
  default     = {}
}
