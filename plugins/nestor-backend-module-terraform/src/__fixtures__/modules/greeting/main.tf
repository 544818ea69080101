# A module with built-in resources only (terraform_data): it needs no
# provider download, so tests run without network.
variable "name" {
  type = string
}

variable "size" {
  type    = string
  default = "small"
  validation {
    condition     = contains(["small", "medium", "large"], var.size)
    error_message = "size must be small, medium or large."
  }
}

variable "tags" {
  type    = map(string)
  default = {}
}

resource "terraform_data" "greeting" {
  input = "hello ${var.name} (${var.size})"
}

output "message" {
  value = terraform_data.greeting.output
}

output "tagCount" {
  value = length(var.tags)
}

output "token" {
  value     = sha256(var.name)
  sensitive = true
}
