"""The Keras/TensorFlow side (optional extra ``tf``): :mod:`.lars` (the LARS optimizer)
and :mod:`.resnet` (ResNet on CIFAR-10 with it). Importing this package loads nothing
heavy; its modules import TensorFlow.
"""
