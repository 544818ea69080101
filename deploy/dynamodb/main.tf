# Nestor's DynamoDB table (single-table design) and the IAM policy its backend
# needs. The table definition must match what the store expects; the module
# @nestor/plugin-nestor-backend-module-dynamodb checks it at start-up and its
# tests compare this file with the store's own CreateTable definition.
#
#   terraform init && terraform apply -var table_name=nestor
#
# Then attach the output policy to the role the backend runs as (IRSA, ECS task
# role, instance profile) and set nestor.storage.dynamodb.{tableName, region}.

terraform {
  required_version = ">= 1.3"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "table_name" {
  description = "Name of the table (nestor.storage.dynamodb.tableName)."
  type        = string
  default     = "nestor"
}

variable "billing_mode" {
  description = "PAY_PER_REQUEST (on demand, recommended) or PROVISIONED."
  type        = string
  default     = "PAY_PER_REQUEST"
  validation {
    condition     = contains(["PAY_PER_REQUEST", "PROVISIONED"], var.billing_mode)
    error_message = "billing_mode must be PAY_PER_REQUEST or PROVISIONED."
  }
}

variable "read_capacity" {
  description = "Read capacity units of the table and of each index (PROVISIONED only)."
  type        = number
  default     = 10
}

variable "write_capacity" {
  description = "Write capacity units of the table and of each index (PROVISIONED only)."
  type        = number
  default     = 10
}

variable "point_in_time_recovery" {
  description = "Continuous backups (restore to any second of the last 35 days)."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Refuse to delete the table until this is turned off."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for encryption at rest; null uses the AWS owned key."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags of the table and the policy."
  type        = map(string)
  default     = {}
}

locals {
  provisioned = var.billing_mode == "PROVISIONED"
  # Overloaded indexes: see the module README for the access pattern each serves.
  indexes = ["GSI1", "GSI2", "GSI3", "GSI4"]
}

resource "aws_dynamodb_table" "nestor" {
  name                        = var.table_name
  billing_mode                = var.billing_mode
  read_capacity               = local.provisioned ? var.read_capacity : null
  write_capacity              = local.provisioned ? var.write_capacity : null
  hash_key                    = "PK"
  range_key                   = "SK"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "PK"
    type = "S"
  }
  attribute {
    name = "SK"
    type = "S"
  }

  dynamic "attribute" {
    for_each = toset(flatten([for i in local.indexes : ["${i}PK", "${i}SK"]]))
    content {
      name = attribute.value
      type = "S"
    }
  }

  dynamic "global_secondary_index" {
    for_each = toset(local.indexes)
    content {
      name            = global_secondary_index.value
      hash_key        = "${global_secondary_index.value}PK"
      range_key       = "${global_secondary_index.value}SK"
      projection_type = "ALL"
      read_capacity   = local.provisioned ? var.read_capacity : null
      write_capacity  = local.provisioned ? var.write_capacity : null
    }
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}

data "aws_iam_policy_document" "nestor_store" {
  statement {
    sid = "NestorStore"
    actions = [
      "dynamodb:DescribeTable",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:DeleteItem",
      "dynamodb:Query",
      "dynamodb:BatchGetItem",
      "dynamodb:BatchWriteItem",
    ]
    resources = [
      aws_dynamodb_table.nestor.arn,
      "${aws_dynamodb_table.nestor.arn}/index/*",
    ]
  }
}

resource "aws_iam_policy" "nestor_store" {
  name        = "${var.table_name}-store"
  description = "Lets the Nestor backend use its DynamoDB table"
  policy      = data.aws_iam_policy_document.nestor_store.json
  tags        = var.tags
}

output "table_name" {
  value = aws_dynamodb_table.nestor.name
}

output "table_arn" {
  value = aws_dynamodb_table.nestor.arn
}

output "policy_arn" {
  description = "Attach to the role the Nestor backend runs as."
  value       = aws_iam_policy.nestor_store.arn
}
