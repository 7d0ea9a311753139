terraform {
  required_providers {
    coder = {
      source = "coder/coder"
    }
  }
}

# A lab template whose "broken" preset was written for an older version of the template: it
# names a parameter that no longer exists and a GPU model that is no longer offered. warmpool
# marks that preset validation_failed at import and never provisions it; the other preset is
# provisioned normally.

data "coder_parameter" "gpu_model" {
  name         = "gpu_model"
  display_name = "GPU model"
  type         = "string"
  default      = "l4"
  order        = 1

  option {
    name  = "NVIDIA L4"
    value = "l4"
  }
  option {
    name  = "NVIDIA A100"
    value = "a100"
  }
}

data "coder_parameter" "gpu_count" {
  name         = "gpu_count"
  display_name = "GPUs"
  type         = "number"
  default      = 1
  order        = 2

  validation {
    min = 1
    max = data.coder_parameter.gpu_model.value == "a100" ? 8 : 4
  }
}

data "coder_parameter" "dataset" {
  name         = "dataset"
  display_name = "Dataset volume"
  description  = "Name of the dataset volume to mount."
  type         = "string"
  order        = 3
}

data "coder_workspace_tags" "gpu" {
  tags = {
    "gpu" = data.coder_parameter.gpu_model.value
  }
}

data "coder_workspace_preset" "l4" {
  name = "L4 notebook"
  parameters = {
    gpu_model = "l4"
    gpu_count = "1"
    dataset   = "imagenet"
  }
  prebuilds {
    instances = 1
  }
}

data "coder_workspace_preset" "broken" {
  name = "Legacy V100"
  parameters = {
    gpu_model = "v100"
    gpu_count = "2"
    framework = "tensorflow"
  }
  prebuilds {
    instances = 2
  }
}
