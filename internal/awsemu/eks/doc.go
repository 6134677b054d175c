// Package eks is the emulator's EKS: clusters, node groups (with their nodes when launched from
// a launch template), add-ons, access entries, updates and service-account tokens. It asks IAM, EC2, KMS and CloudWatch Logs through the interfaces
// it declares.
package eks
