"""The Keras/TensorFlow side (optional extra ``tf``): :mod:`~larscheck.sims.keras.lars`
(the LARS optimizer) and :mod:`~larscheck.sims.keras.resnet` (ResNet on CIFAR-10 with
it). Importing this package loads nothing heavy; its modules import TensorFlow.
"""
