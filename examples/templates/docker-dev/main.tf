terraform {
  required_providers {
    coder = {
      source = "coder/coder"
    }
    docker = {
      source = "kreuzwerker/docker"
    }
  }
}

locals {
  # Which images each language stack offers; the "image" parameter's options follow "stack".
  images = {
    go     = ["golang:1.23", "golang:1.22"]
    node   = ["node:22", "node:20"]
    python = ["python:3.13", "python:3.12"]
  }
  container_name = "coder-${data.coder_workspace_owner.me.name}-${lower(data.coder_workspace.me.name)}"
}

data "coder_workspace" "me" {}
data "coder_workspace_owner" "me" {}

data "coder_parameter" "stack" {
  name         = "stack"
  display_name = "Language stack"
  description  = "The toolchain preinstalled in the workspace."
  type         = "string"
  default      = "go"
  mutable      = false
  order        = 1
  icon         = "/icon/code.svg"

  option {
    name  = "Go"
    value = "go"
    icon  = "/icon/go.svg"
  }
  option {
    name  = "Node.js"
    value = "node"
    icon  = "/icon/node.svg"
  }
  option {
    name  = "Python"
    value = "python"
    icon  = "/icon/python.svg"
  }
}

data "coder_parameter" "image" {
  name         = "image"
  display_name = "Container image"
  description  = "Images available for the chosen stack."
  type         = "string"
  form_type    = "dropdown"
  default      = local.images[data.coder_parameter.stack.value][0]
  mutable      = true
  order        = 2

  dynamic "option" {
    for_each = local.images[data.coder_parameter.stack.value]
    content {
      name  = option.value
      value = option.value
    }
  }
}

data "coder_parameter" "cpus" {
  name         = "cpus"
  display_name = "CPU cores"
  type         = "number"
  form_type    = "slider"
  default      = 2
  mutable      = true
  order        = 3

  validation {
    min   = 1
    max   = 8
    error = "Choose between {min} and {max} cores (got {value})."
  }
}

data "coder_parameter" "dotfiles_uri" {
  name         = "dotfiles_uri"
  display_name = "Dotfiles repository"
  description  = "A git URL whose install script personalises the workspace (optional)."
  type         = "string"
  default      = ""
  mutable      = true
  order        = 4
  styling = jsonencode({
    placeholder = "https://github.com/you/dotfiles"
  })

  validation {
    regex = "^(https://.+|)$"
    error = "Use an https:// URL, or leave it empty."
  }
}

data "coder_workspace_tags" "pool" {
  tags = {
    "stack"   = data.coder_parameter.stack.value
    "runtime" = "docker"
  }
}

data "coder_workspace_preset" "go_small" {
  name    = "Go (2 cores)"
  default = true
  parameters = {
    stack = "go"
    image = "golang:1.23"
    cpus  = 2
  }
  prebuilds {
    instances = 2
    expiration_policy {
      ttl = 86400
    }
  }
}

data "coder_workspace_preset" "python_large" {
  name = "Python (4 cores)"
  parameters = {
    stack = "python"
    image = "python:3.13"
    cpus  = 4
  }
  prebuilds {
    instances = 1
  }
}

resource "coder_agent" "main" {
  arch = "amd64"
  os   = "linux"
  dir  = "/home/coder"
  env = {
    DOTFILES_URI = data.coder_parameter.dotfiles_uri.value
  }
}

resource "docker_container" "workspace" {
  count    = data.coder_workspace.me.start_count
  image    = data.coder_parameter.image.value
  name     = local.container_name
  hostname = data.coder_workspace.me.name
  cpu_set  = join(",", [for i in range(data.coder_parameter.cpus.value) : tostring(i)])
  entrypoint = ["sh", "-c", coder_agent.main.init_script]
  env        = ["CODER_AGENT_TOKEN=${coder_agent.main.token}"]
}
