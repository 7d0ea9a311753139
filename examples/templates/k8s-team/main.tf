terraform {
  required_providers {
    coder = {
      source = "coder/coder"
    }
    kubernetes = {
      source = "hashicorp/kubernetes"
    }
  }
}

variable "namespace_prefix" {
  type        = string
  default     = "coder"
  description = "Prefix of the namespaces workspaces run in."
}

variable "team_quotas" {
  type = map(object({
    max_cpu    = number
    max_memory = number
  }))
  default = {
    default  = { max_cpu = 4, max_memory = 8 }
    platform = { max_cpu = 16, max_memory = 64 }
  }
}

data "coder_workspace" "me" {}
data "coder_workspace_owner" "me" {}

locals {
  # Owners in the "platform" group get the larger quota and the GPU node pool.
  team      = contains(data.coder_workspace_owner.me.groups, "platform") ? "platform" : "default"
  quota     = var.team_quotas[local.team]
  namespace = "${var.namespace_prefix}-${local.team}"
  node_pools = concat(
    [{ name = "General purpose", value = "general" }, { name = "Memory optimised", value = "highmem" }],
    local.team == "platform" ? [{ name = "GPU (A10)", value = "gpu" }] : []
  )
}

data "coder_parameter" "node_pool" {
  name         = "node_pool"
  display_name = "Node pool"
  type         = "string"
  default      = "general"
  order        = 1

  dynamic "option" {
    for_each = local.node_pools
    content {
      name  = option.value.name
      value = option.value.value
    }
  }
}

data "coder_parameter" "cpu" {
  name         = "cpu"
  display_name = "CPU"
  description  = "Cores for the workspace pod (your team's quota: ${local.quota.max_cpu})."
  type         = "number"
  default      = 2
  mutable      = true
  order        = 2

  validation {
    min = 1
    max = local.quota.max_cpu
  }
}

data "coder_parameter" "memory" {
  name         = "memory"
  display_name = "Memory (GiB)"
  type         = "number"
  default      = 4
  mutable      = true
  order        = 3

  validation {
    min       = 1
    max       = local.quota.max_memory
    monotonic = "increasing"
  }
}

data "coder_parameter" "ide" {
  name         = "ide"
  display_name = "Editors"
  description  = "Editors to install."
  type         = "list(string)"
  form_type    = "multi-select"
  default      = jsonencode(["code-server"])
  mutable      = true
  order        = 4

  option {
    name  = "VS Code (browser)"
    value = "code-server"
  }
  option {
    name  = "JetBrains Gateway"
    value = "jetbrains"
  }
  option {
    name  = "Jupyter"
    value = "jupyter"
  }
}

data "coder_workspace_tags" "cluster" {
  tags = {
    "cluster"   = "eu-west"
    "namespace" = local.namespace
  }
}

data "coder_workspace_preset" "standard" {
  name    = "Standard"
  default = true
  parameters = {
    node_pool = "general"
    cpu       = "2"
    memory    = "4"
    ide       = jsonencode(["code-server"])
  }
  prebuilds {
    instances = 3
    scheduling {
      timezone = "Europe/Berlin"
      schedule {
        cron      = "* 8-18 * * 1-5"
        instances = 5
      }
    }
  }
}

data "coder_workspace_preset" "highmem" {
  name = "High memory"
  parameters = {
    node_pool = "highmem"
    cpu       = "4"
    memory    = "8"
  }
  prebuilds {
    instances = 1
  }
}

resource "coder_agent" "main" {
  os   = "linux"
  arch = "amd64"
}

resource "kubernetes_pod" "workspace" {
  count = data.coder_workspace.me.start_count
  metadata {
    name      = "coder-${lower(data.coder_workspace_owner.me.name)}-${lower(data.coder_workspace.me.name)}"
    namespace = local.namespace
  }
  spec {
    node_selector = { "pool" = data.coder_parameter.node_pool.value }
    container {
      name    = "dev"
      image   = "codercom/enterprise-base:ubuntu"
      command = ["sh", "-c", coder_agent.main.init_script]
      resources {
        limits = {
          cpu    = data.coder_parameter.cpu.value
          memory = "${data.coder_parameter.memory.value}Gi"
        }
      }
    }
  }
}
